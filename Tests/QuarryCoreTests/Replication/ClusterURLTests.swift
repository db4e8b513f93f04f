import Testing

@testable import QuarryCore

struct ClusterURLTests {
    @Test func severalHostsUserPasswordAndDatabase() throws {
        let url = try ClusterURL("postgresql://quarry:s%40cret@db1:5432,db2:5433/search?target_session_attrs=read-write")
        #expect(url.hosts == [.init(name: "db1", port: 5432), .init(name: "db2", port: 5433)])
        #expect(url.username == "quarry")
        #expect(url.password == "s@cret")
        #expect(url.database == "search")
        #expect(url.requiresWritable)
        #expect(url.description == "postgresql://quarry:***@db1:5432,db2:5433/search")
    }

    @Test func defaultsPortAndDatabase() throws {
        let url = try ClusterURL("postgres://quarry@localhost")
        #expect(url.hosts == [.init(name: "localhost", port: 5432)])
        #expect(url.database == "quarry")
        #expect(url.password == nil)
    }

    @Test(arguments: [
        "mysql://u@h/db", "postgresql://h/db", "postgresql://u@h:99999/db", "postgresql://u@h/db?sslmode=require",
        "postgresql://u@/db",
    ])
    func refusesWhatItCannotHonour(_ text: String) {
        #expect(throws: InvalidClusterURL.self) { try ClusterURL(text) }
    }

    @Test func redactsThePasswordOfAnyText() {
        #expect(ClusterURL.redacted("postgresql://u:pw@h/db") == "postgresql://u:***@h/db")
        #expect(ClusterURL.redacted("postgresql://u@h/db") == "postgresql://u@h/db")
    }
}
