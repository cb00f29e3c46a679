"""The Textual user interface. Draws the engines and the lesson runner; adds no logic of its own."""
