"""chainrule's neural-network layer: modules, losses, optimizers and data, built only from Values."""
