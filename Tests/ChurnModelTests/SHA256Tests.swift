import Foundation
import Testing
@testable import ChurnModel

@Suite struct SHA256Tests {
    static let million = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"

    @Test func fipsVectors() {
        #expect(SHA256.hex(Array("".utf8)) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
            == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(SHA256.hex(Array("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu".utf8))
            == "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1")
    }

    @Test func oneMillionA() {
        #expect(SHA256.hex([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)) == Self.million)
    }

    /// Lengths around the padding boundaries (55/56 bytes: the length fits or spills into a second block).
    @Test(arguments: [
        (55, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318"),
        (56, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a"),
        (57, "f13b2d724659eb3bf47f2dd6af1accc87b81f09f59f2b75e5c0bed6589dfe8c6"),
        (63, "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34"),
        (64, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb"),
        (65, "635361c48bb9eab14198e76ea8ab7f1a41685d6ad62aa9146d301d4f17eb0ae0"),
        (119, "31eba51c313a5c08226adf18d4a359cfdfd8d2e816b13f4af952f7ea6584dcfb"),
        (120, "2f3d335432c70b580af0e8e1b3674a7c020d683aa5f73aaaedfdc55af904c21c"),
        (128, "6836cf13bac400e9105071cd6af47084dfacad4e5e302c94bfed24e013afb73e"),
    ])
    func paddingBoundaries(length: Int, digest: String) {
        #expect(SHA256.hex([UInt8](repeating: UInt8(ascii: "a"), count: length)) == digest)
    }

    @Test func allByteValues() {
        let bytes = (0..<4).flatMap { _ in (0...255).map(UInt8.init) }
        #expect(SHA256.hex(bytes) == "785b0751fc2c53dc14a4ce3d800e69ef9ce1009eb327ccf458afe09c242c26c9")
    }

    @Test func incrementalEqualsOneShot() {
        var rng = SplitMix64(seed: 256)
        for length in [0, 1, 55, 56, 63, 64, 65, 127, 128, 1000, 4097] {
            let message = (0..<length).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            let oneShot = SHA256.hex(message)
            for _ in 0..<5 {
                var d = SHA256()
                var i = 0
                while i < length {
                    let piece = min(length - i, rng.below(70))   // includes empty pieces
                    d.update(message[i..<(i + piece)])
                    i += piece
                }
                d.update([UInt8]())
                #expect(d.finalizeHex() == oneShot, "length \(length)")
            }
            var byteByByte = SHA256()
            for b in message { byteByByte.update(CollectionOfOne(b)) }
            #expect(byteByByte.finalizeHex() == oneShot)
        }
    }

    @Test func incrementalMillionA() {
        var d = SHA256()
        let chunk = [UInt8](repeating: UInt8(ascii: "a"), count: 1000)
        for _ in 0..<1000 { d.update(chunk) }
        #expect(d.finalizeHex() == Self.million)
    }

    @Test func digestIsLowercaseHexOfSixtyFourDigits() {
        let hex = SHA256.hex(Array("churn".utf8))
        #expect(hex.count == 64)
        #expect(hex.allSatisfy { "0123456789abcdef".contains($0) })
        #expect(SHA256.hex(Array("churn".utf8)) == hex)
        #expect(SHA256.hex(Array("churm".utf8)) != hex)
    }
}
