"""chihoi: a chat assistant for branch heads of the Vietnam Women's Union."""
