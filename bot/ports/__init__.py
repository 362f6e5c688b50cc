"""What the core needs from the outside world, as Protocols: one module per noun,
gathered by `unit_of_work.UnitOfWork`."""
