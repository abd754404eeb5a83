// libFuzzer target: the model JSON that `--model` loads (`BeepModel(json:)`). A model that loads must be usable:
// its detector is built. Build and run with Fuzz/run.sh.

import AMDCore
import Foundation

/// libFuzzer's entry point: runs one input through the parser; returns 0, which tells libFuzzer to go on.
@_cdecl("LLVMFuzzerTestOneInput")
public func modelFuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let json = Data(bytes: data, count: size)
    do throws(ModelError) {
        let model = try BeepModel(json: json)
        _ = try? StreamDetector(encoding: .muLaw, sampleRate: 8000, model: model)
    } catch {
        _ = "\(error)"
    }
    return 0
}
