"""The baseline of the start-up benchmarks: a hello-world Textual app."""

from textual.app import App, ComposeResult
from textual.widgets import Static

MARKER = "Hello, world"


class HelloApp(App):
    def compose(self) -> ComposeResult:
        yield Static(f"{MARKER}!")


if __name__ == "__main__":
    HelloApp().run()
