// libFuzzer target: WAV files (RIFF chunks, PCM, µ-law and A-law formats) and headerless raw audio, decoded to
// linear samples as `amd-edge detect` would. Build and run with Fuzz/run.sh.

import AMDCore
import AudioFile

/// libFuzzer's entry point: runs one input through the parser; returns 0, which tells libFuzzer to go on.
@_cdecl("LLVMFuzzerTestOneInput")
public func wavFuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    do throws(AudioFileError) {
        let clip = try AudioClip(wav: bytes)
        precondition(clip.sampleRate > 0, "a parsed WAV has a positive rate")
        precondition(clip.data.count % clip.encoding.bytesPerSample == 0, "a parsed WAV holds whole samples")
        _ = clip.durationMs
    } catch {
        _ = "\(error)"
    }
    // The same bytes as raw audio in each encoding: odd lengths must be refused for 16-bit, never crash.
    for encoding in [AudioEncoding.muLaw, .aLaw, .linear16] {
        do throws(AudioFileError) {
            let clip = try AudioClip(raw: bytes, encoding: encoding, sampleRate: 8000)
            precondition(clip.sampleCount * encoding.bytesPerSample == bytes.count)
        } catch {
            _ = "\(error)"
        }
    }
    return 0
}
