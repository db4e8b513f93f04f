import ArgumentParser
import QuarryCore

@main
struct Quarry: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quarry",
        abstract: "Semantic search server and toolkit on FAISS.",
        version: BuildInfo.summary,
        subcommands: [
            ServeCommand.self, IngestCommand.self, ImportCommand.self, IngestImagesCommand.self, TuneCommand.self, DedupeCommand.self,
            ReindexCommand.self, MergeCommand.self, SearchCommand.self,
            EvalCommand.self, EmbedCommand.self,
            BackupCommand.self, VerifyCommand.self, RestoreCommand.self,
        ]
    )
}
