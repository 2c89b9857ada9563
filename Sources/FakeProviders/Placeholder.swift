// Placeholder until the FakeProviders issue lands.
