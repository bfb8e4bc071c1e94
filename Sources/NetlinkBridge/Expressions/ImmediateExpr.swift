/// A verdict: the kernel's NF_* / NFT_* code plus the chain for jump and goto.
public enum Verdict: Hashable, Sendable {
    case accept, drop, queue, `continue`, `break`, `return`
    case jump(String)
    case goto(String)

    // NF_DROP, NF_ACCEPT, NF_QUEUE, NFT_CONTINUE, NFT_BREAK, NFT_JUMP, NFT_GOTO, NFT_RETURN
    static let codes: [Int32] = [0, 1, 3, -1, -2, -3, -4, -5]

    public var code: Int32 {
        switch self {
        case .drop: return 0
        case .accept: return 1
        case .queue: return 3
        case .continue: return -1
        case .break: return -2
        case .jump: return -3
        case .goto: return -4
        case .return: return -5
        }
    }

    public var chain: String? {
        switch self {
        case .jump(let c), .goto(let c): return c
        default: return nil
        }
    }

    init?(code: Int32, chain: String?) {
        switch (code, chain) {
        case (0, nil): self = .drop
        case (1, nil): self = .accept
        case (3, nil): self = .queue
        case (-1, nil): self = .continue
        case (-2, nil): self = .break
        case (-5, nil): self = .return
        case (-3, let c?): self = .jump(c)
        case (-4, let c?): self = .goto(c)
        default: return nil
        }
    }
}

/// `immediate`: load a constant or a verdict into a register (register 0 = verdict).
public struct ImmediateExpr: Hashable, Sendable {
    public static let name = "immediate"
    static let aDreg: UInt16 = 1, aData: UInt16 = 2
    // NFTA_DATA_VALUE / NFTA_DATA_VERDICT; NFTA_VERDICT_CODE / NFTA_VERDICT_CHAIN
    static let dValue: UInt16 = 1, dVerdict: UInt16 = 2, vCode: UInt16 = 1, vChain: UInt16 = 2

    public enum Data: Hashable, Sendable {
        case value([UInt8])
        case verdict(Verdict)
    }

    public var dreg: UInt32
    public var data: Data

    public init(verdict: Verdict) { dreg = 0; data = .verdict(verdict) }
    public init(value: [UInt8], dreg: UInt32) { self.dreg = dreg; data = .value(value) }

    static let allowed = AttributeIndex.mask(aDreg, aData)
    static let verdictAllowed = AttributeIndex.mask(vCode, vChain)

    init?(_ attrs: AttributeIndex) {
        guard attrs.only(Self.allowed), let d = attrs.u32(Self.aDreg),
              let inner = try? attrs.children(Self.aData), inner.count == 1 else { return nil }
        dreg = d
        if let value = inner.bytes(Self.dValue) {
            data = .value(value)
        } else if inner.has(Self.dVerdict) {
            guard let v = try? inner.children(Self.dVerdict), v.only(Self.verdictAllowed), let raw = v.u32(Self.vCode),
                  let verdict = Verdict(code: Int32(bitPattern: raw), chain: v.string(Self.vChain)) else { return nil }
            data = .verdict(verdict)
        } else {
            return nil
        }
    }

    /// libnftnl order: dreg, data (verdict: code, chain).
    func encode(into w: inout AttributeWriter) {
        w.putU32(Self.aDreg, dreg)
        w.nest(Self.aData) { d in
            switch data {
            case .value(let bytes): d.put(Self.dValue, bytes)
            case .verdict(let v):
                d.nest(Self.dVerdict) { n in
                    n.putU32(Self.vCode, UInt32(bitPattern: v.code))
                    if let chain = v.chain { n.putString(Self.vChain, chain) }
                }
            }
        }
    }
}
