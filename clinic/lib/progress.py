"""A plain-text progress bar for management commands that work through many rows."""


class ProgressBar:
    WIDTH = 30

    def __init__(self, stdout, total, label):
        self.stdout, self.total, self.label = stdout, total, label
        self.done = 0

    def advance(self, count):
        self.done = min(self.total, self.done + count)
        filled = self.WIDTH * self.done // self.total if self.total else self.WIDTH
        bar = "#" * filled + "." * (self.WIDTH - filled)
        ending = "\n" if self.done >= self.total else ""
        self.stdout.write(f"\r{self.label} [{bar}] {self.done}/{self.total}", ending=ending)
        self.stdout.flush()
