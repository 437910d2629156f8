"""The views wing: notation, the stepper, drawing, rendering, notebook display and the player. Views
import the engine and the leaves, never the replay (docs/architecture.md)."""
