import AMDServer
import Foundation
import Testing

/// `DEVICE@N` entries: parsing, how lists split around them, and what the configuration refuses.
struct ALSADeviceTests {
    @Test func aTrailingAtAndNumberIsTheChannelCount() {
        #expect(ALSADevice(parsing: "hw:1,0@4") == ALSADevice(name: "hw:1,0", channels: 4))
        #expect(ALSADevice(parsing: "hw:1,0") == ALSADevice(name: "hw:1,0", channels: 1))
        #expect(ALSADevice(parsing: "plughw:1,0@1") == ALSADevice(name: "plughw:1,0", channels: 1))
        // `@` not followed by digits is part of the name.
        #expect(ALSADevice(parsing: "file:FILE=/tmp/a@b.raw") == ALSADevice(name: "file:FILE=/tmp/a@b.raw"))
        for bad in ["", "@4", "hw:1,0@0", "hw:1,0@33", "hw:1,0@99999999999999999999"] {
            #expect(ALSADevice(parsing: bad) == nil, "\(bad)")
        }
        #expect("\(ALSADevice(name: "hw:1,0", channels: 4))" == "hw:1,0@4")
        #expect("\(ALSADevice(name: "hw:1,0"))" == "hw:1,0")
    }

    @Test func channelsHaveTheirOwnSourceAndCallID() {
        let card = ALSADevice(name: "hw:1,0", channels: 4)
        #expect(card.source(channel: 0) == "hw:1,0/ch1" && card.source(channel: 3) == "hw:1,0/ch4")
        #expect(ALSADevice(name: "hw:1,0").source(channel: 0) == "hw:1,0")
        #expect(ALSAIngress.callID(device: "hw:1,0", channel: 1) == "alsa-hw-1-0-ch2")
        #expect(ALSAIngress.callID(device: "hw:1,0") == "alsa-hw-1-0", "a mono device keeps its id")
        let long = ALSAIngress.callID(device: String(repeating: "x", count: 300), channel: 11)
        #expect(long.count == 128 && long.hasSuffix("-ch12"))
    }

    @Test func listsAndConfigFilesTakeChannelCounts() throws {
        #expect(ServerConfiguration.alsaDevices(parsing: "hw:1,0@4,plughw:2,0") == ["hw:1,0@4", "plughw:2,0"])
        #expect(ServerConfiguration.alsaDevices(parsing: "hw:1@2,default") == ["hw:1@2", "default"])
        let file = Data(#"{"alsa":["hw:1,0@4","plughw:2,0"]}"#.utf8)
        #expect(try ServerConfiguration.resolve(fileData: file, flags: [:]).alsa == ["hw:1,0@4", "plughw:2,0"])
        #expect {
            _ = try ServerConfiguration.resolve(fileData: nil, flags: ["alsa": ["hw:1,0@64"]])
        } throws: { error in
            "\(error)".contains("--alsa") && "\(error)".contains("N channels from 1 to 32")
                && "\(error)".contains("\"hw:1,0@64\"")
        }
        // The same device twice, even with different channel counts, would be opened twice.
        #expect {
            _ = try ServerConfiguration.resolve(fileData: nil, flags: ["alsa": ["hw:1,0@2", "hw:1,0"]])
        } throws: { error in
            "\(error)".contains("\"hw:1,0\" is listed twice")
        }
    }
}
