"""A plain-text progress bar for management commands that work through many rows."""


class ProgressBar:
    WIDTH = 30

    def __init__(self, stdout, total, label):
        self.stdout, self.total, self.label = stdout, total, label
        self.done = 0
        self.drawn = -1

    def advance(self, count):
        self.done = min(self.total, self.done + count)
        filled = self.WIDTH * self.done // self.total if self.total else self.WIDTH
        finished = self.done >= self.total
        if filled == self.drawn and not finished:
            return  # redraw only when the bar moves, not for every batch
        self.drawn = filled
        bar = "#" * filled + "." * (self.WIDTH - filled)
        self.stdout.write(
            f"\r{self.label} [{bar}] {self.done}/{self.total}", ending="\n" if finished else ""
        )
        self.stdout.flush()
