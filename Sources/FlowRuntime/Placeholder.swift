// Placeholder until the FlowRuntime issue lands.
