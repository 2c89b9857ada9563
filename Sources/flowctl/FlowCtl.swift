import ArgumentParser

/// `flowctl`: validate, draw and (through other subcommands) run flows.
@main
struct FlowCtl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flowctl",
        abstract: "Validate, inspect and run Flow workflows.",
        discussion: "Exit codes: 0 ok, 1 runtime failure, 2 replay: a run differs, 64 usage or bad input file, 65 invalid flow.",
        // Every subcommand, in help order; add new ones (dry-run, serve, migrate, …) here.
        subcommands: [
            ValidateCommand.self,
            GraphCommand.self,
            SchemaCommand.self,
            DryRunCommand.self,
            ExplainCommand.self,
            ReplayCommand.self,
            MigrateCommand.self,
            StartCommand.self,
            ScheduleCommand.self,
            InstancesCommand.self,
            EventsCommand.self,
            ApprovalsCommand.self,
            OverridesCommand.self,
            KeysCommand.self,
            EraseCommand.self,
            ServeCommand.self,
        ]
    )
}
