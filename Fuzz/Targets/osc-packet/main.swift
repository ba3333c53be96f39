import BatonFuzzSupport
import BatonOSC

// OSC packet decoding: any bytes decode or throw; what decodes re-encodes to a fixed point.
FuzzDriver.run("osc-packet") { bytes in
    guard let packet = try? OSCPacket.decode(bytes) else { return }
    let encoded = packet.encoded()
    guard let again = try? OSCPacket.decode(encoded) else {
        FuzzDriver.require(false, "a decoded packet re-encodes to bytes that do not decode")
        return
    }
    FuzzDriver.require(again.encoded() == encoded, "re-encoding is not a fixed point")
    _ = packet.messages
}
