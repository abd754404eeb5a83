extension KeyedDecodingContainer {
    /// The value at `key`, `nil` when the key is absent, and a `valueNotFound` error naming the key when it is
    /// `null`: the API's schema has no nullable request fields, so `null` is refused rather than read as absent.
    func decodeUnlessNull<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        guard contains(key) else { return nil }
        if try decodeNil(forKey: key) {
            throw DecodingError.valueNotFound(
                type, .init(codingPath: codingPath + [key], debugDescription: "found null"))
        }
        return try decode(type, forKey: key)
    }
}
