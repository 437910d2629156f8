"""The engine wing: Value, the RULES table, backward, grad modes, errors, fused rows, higher-order
``grad`` and ``gradcheck``. It imports only the leaves (``autograd.text``) and itself: no view, no
replay module, no command line (docs/architecture.md)."""
