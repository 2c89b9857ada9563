// Placeholder until the Steps issue lands.
