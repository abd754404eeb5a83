import AMDCore
import AMDServer
import Foundation
import NIOHTTP1
import Testing
import Yams

/// Checks `docs/openapi.yaml` against the running daemon: every documented operation is exercised, answers with a
/// documented status, and a JSON answer has the top-level fields its documented schema requires.
struct OpenAPIDocumentTests {
    struct Probe {
        var method: HTTPMethod
        var docPath: String
        var path: String
        var body: String? = nil
        var token: String? = "tok"
        var status: Int
    }

    static func loadDocument() throws -> [String: Any] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/openapi.yaml")
        let text = try String(contentsOf: url, encoding: .utf8)
        return try #require(try Yams.load(yaml: text) as? [String: Any])
    }

    /// Follows `$ref`s inside the document.
    static func resolve(_ node: Any?, in document: [String: Any]) -> [String: Any]? {
        guard var object = node as? [String: Any] else { return nil }
        while let ref = object["$ref"] as? String, ref.hasPrefix("#/") {
            var target: Any? = document
            for part in ref.dropFirst(2).split(separator: "/") { target = (target as? [String: Any])?[String(part)] }
            guard let next = target as? [String: Any] else { return nil }
            object = next
        }
        return object
    }

    @Test func documentMatchesTheRunningAPI() async throws {
        let document = try Self.loadDocument()
        let paths = try #require(document["paths"] as? [String: Any])
        try await withDaemon({
            $0.apiToken = "tok"
            $0.maxBodyBytes = 512
        }) { control, ports in
            let id = try #require(control.hub.open(rtpDescriptor(ssrc: 1)))
            let probes: [Probe] = [
                Probe(method: .GET, docPath: "/healthz", path: "/healthz", token: nil, status: 200),
                Probe(method: .GET, docPath: "/metrics", path: "/metrics", token: nil, status: 200),
                Probe(method: .GET, docPath: "/v1/calls", path: "/v1/calls", status: 200),
                Probe(method: .GET, docPath: "/v1/calls", path: "/v1/calls", token: "bad", status: 401),
                Probe(
                    method: .POST, docPath: "/v1/calls", path: "/v1/calls",
                    body: #"{"id":"named","match":{"ssrc":1}}"#, status: 201),
                Probe(
                    method: .POST, docPath: "/v1/calls", path: "/v1/calls",
                    body: #"{"id":"named","match":{"ssrc":2}}"#, status: 409),
                Probe(method: .POST, docPath: "/v1/calls", path: "/v1/calls", body: "[]", status: 400),
                Probe(
                    method: .POST, docPath: "/v1/calls", path: "/v1/calls",
                    body: String(repeating: " ", count: 600) + "{}", status: 413),
                Probe(method: .GET, docPath: "/v1/calls/{id}", path: "/v1/calls/named", status: 200),
                Probe(method: .GET, docPath: "/v1/calls/{id}", path: "/v1/calls/\(id)", status: 404),
                Probe(method: .DELETE, docPath: "/v1/calls/{id}", path: "/v1/calls/named", status: 204),
                Probe(method: .DELETE, docPath: "/v1/calls/{id}", path: "/v1/calls/named", status: 404),
                Probe(method: .GET, docPath: "/v1/events", path: "/v1/events?after=0&wait=0", status: 200),
                Probe(method: .GET, docPath: "/v1/events", path: "/v1/events?wait=x", status: 400),
                Probe(method: .GET, docPath: "/v1/events/ws", path: "/v1/events/ws", status: 426),
                Probe(method: .GET, docPath: "/socket", path: "/socket", token: nil, status: 426),
            ]
            // Every documented operation is probed.
            var documented = Set<String>()
            for (path, item) in paths {
                for method in ((item as? [String: Any]) ?? [:]).keys where method != "parameters" {
                    documented.insert("\(method.uppercased()) \(path)")
                }
            }
            let probed = Set(probes.map { "\($0.method.rawValue) \($0.docPath)" })
            #expect(documented == probed)

            for probe in probes {
                let response = try await request(
                    probe.method, port: ports.http, probe.path, body: probe.body, token: probe.token)
                let label = "\(probe.method.rawValue) \(probe.path)"
                #expect(response.status == probe.status, "\(label): \(response.body)")
                let operation = try #require(
                    (paths[probe.docPath] as? [String: Any])?[probe.method.rawValue.lowercased()] as? [String: Any])
                let responses = try #require(operation["responses"] as? [String: Any])
                let documentedResponse = Self.resolve(responses[String(response.status)], in: document)
                #expect(documentedResponse != nil, "\(label): status \(response.status) is not documented")
                guard let content = documentedResponse?["content"] as? [String: Any],
                    let json = content["application/json"] as? [String: Any]
                else { continue }
                #expect(response.headers.first(name: "Content-Type") == "application/json", "\(label)")
                let schema = Self.resolve(json["schema"], in: document)
                let required = schema?["required"] as? [String] ?? []
                let object = response.json
                for field in required {
                    #expect(object.keys.contains(field), "\(label): missing documented field \(field)")
                }
                let properties = (schema?["properties"] as? [String: Any]) ?? [:]
                for field in object.keys {
                    #expect(properties.keys.contains(field), "\(label): undocumented field \(field)")
                }
            }
        }
    }

    /// The enumerations the document lists for events, answers and machine ends are exactly the daemon's.
    @Test func documentedEnumerationsAreTheDaemons() throws {
        let document = try Self.loadDocument()
        let schemas = try #require((document["components"] as? [String: Any])?["schemas"] as? [String: Any])
        func enumeration(_ schema: String, _ property: String) -> Set<String> {
            let properties = (schemas[schema] as? [String: Any])?["properties"] as? [String: Any]
            return Set(((properties?[property] as? [String: Any])?["enum"] as? [String]) ?? [])
        }
        #expect(enumeration("Event", "type") == Set(EventType.allCases.map(\.rawValue)))
        #expect(enumeration("Answer", "answered_by") == Set(AnsweredBy.allCases.map(\.rawValue)))
        #expect(enumeration("Answer", "cause") == Set(AnswerCause.allCases.map(\.rawValue)))
        #expect(enumeration("MachineEnd", "outcome") == Set(MachineEnd.Outcome.allCases.map(\.rawValue)))
        #expect(enumeration("Event", "answered_by") == Set(AnsweredBy.allCases.map(\.rawValue)))
        #expect(enumeration("Event", "outcome") == Set(MachineEnd.Outcome.allCases.map(\.rawValue)))
    }
}
