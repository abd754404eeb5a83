/// An RTP packet (RFC 3550). WIP skeleton.
public struct RTPPacket: Sendable {}
