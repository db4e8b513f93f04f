import Synchronization

/// A collection's settings as they are now, kept in step with its `collection.json`.
public final class CollectionSettings: Sendable {
    private let folder: CollectionFolder
    private let configuration: Mutex<CollectionConfiguration>

    /// Holds `configuration`, which `folder`'s `collection.json` already records.
    public init(_ configuration: CollectionConfiguration, in folder: CollectionFolder) {
        self.folder = folder
        self.configuration = Mutex(configuration)
    }

    /// The settings now.
    public var current: CollectionConfiguration { configuration.withLock { $0 } }

    /// Changes the settings and writes them to `collection.json`; on a failed write they stay unchanged.
    public func update(_ change: (inout CollectionConfiguration) -> Void) throws {
        try configuration.withLock { configuration in
            var changed = configuration
            change(&changed)
            try folder.writeConfiguration(changed)
            configuration = changed
        }
    }
}
