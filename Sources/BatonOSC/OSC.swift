/// Open Sound Control 1.0: see OSCPacket.
public enum OSC {}
