using TorchSharp;
using Verify.Model.Runtime;
using static TorchSharp.torch;

namespace Verify.Model.Networks;

/// <summary>
/// sigma(u) = max(u, c u) with negative slope c: ReLU (c = 0), leaky ReLU (0 &lt; c &lt; 1), or the
/// linear map (c = 1), which the suite uses as a negative control. The gate sigma'(u) is 1 for
/// u &gt; 0 and c otherwise.
/// </summary>
/// <remarks>
/// The activation and its gate are written here once; the training kernel, the per-sample signals
/// and the analyses all call these methods. For every c in [0, 1], sigma(u) &gt; 0 exactly where
/// u &gt; 0, so the gate may be read from the pre-activation u or from the activation sigma(u)
/// (the training step keeps only sigma(u)); both give the same tensor, bit for bit.
/// </remarks>
public sealed record Activation
{
    public double NegativeSlope { get; }

    /// <summary>The threshold of the gate, held for the process's lifetime (a static root: never finalized while a call reads it).</summary>
    static readonly Scalar Zero = 0.0.ToScalar();

    Activation(double negativeSlope) => NegativeSlope = negativeSlope;

    public static Activation Relu { get; } = new(0.0);

    /// <summary>The identity map: breaks the rectification hypothesis of every claim.</summary>
    public static Activation Linear { get; } = new(1.0);

    public static Activation LeakyRelu(double slope)
    {
        if (!double.IsFinite(slope) || slope <= 0 || slope >= 1)
            throw new ArgumentOutOfRangeException(nameof(slope), slope, $"Leaky ReLU slope must lie in (0, 1); got {slope}.");
        return new Activation(slope);
    }

    /// <summary>Parses "relu", "linear", "leaky" (slope 0.1) or "leaky:0.2".</summary>
    public static Activation Parse(string text)
    {
        var t = text.Trim().ToLowerInvariant();
        if (t == "relu") return Relu;
        if (t == "linear") return Linear;
        if (t == "leaky" || t == "leaky-relu" || t == "leakyrelu") return LeakyRelu(0.1);
        if (t.StartsWith("leaky:", StringComparison.Ordinal) &&
            double.TryParse(t[6..], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var c))
            return LeakyRelu(c);
        throw new ArgumentException($"Unknown activation '{text}': expected relu, leaky, leaky:C with 0 < C < 1, or linear.", nameof(text));
    }

    public bool IsRectified => NegativeSlope < 1.0;

    bool IsRelu => NegativeSlope == 0.0;
    bool IsLinear => NegativeSlope == 1.0;

    /// <summary>sigma(u), elementwise (a new tensor).</summary>
    public Tensor Apply(Tensor u) => IsRelu ? nn.functional.relu(u) : IsLinear ? u.alias() : u.LeakyRelu(NegativeSlope);

    /// <summary>u &lt;- sigma(u), in place; returns <paramref name="u"/>.</summary>
    public Tensor Apply_(Tensor u)
    {
        if (IsLinear || HostMemory.Activate_(u, NegativeSlope)) return u;
        if (IsRelu) u.relu_();
        else if (!IsLinear) Scalars.With(NegativeSlope, c => u.leaky_relu_(c));
        return u;
    }

    /// <summary>u &lt;- sigma(u) in place and <paramref name="copy"/> &lt;- sigma(u) (a view of u's shape elsewhere): one pass over the memory on the CPU, else <see cref="Apply_"/> and a copy.</summary>
    public void ApplyInto_(Tensor u, Tensor copy)
    {
        if (HostMemory.ActivateInto_(u, copy, NegativeSlope)) return;
        Apply_(u);
        copy.copy_(u);
    }

    /// <summary>The gate sigma'(u) in {c, 1}, elementwise (1 exactly at u &gt; 0), as a new tensor of u's dtype.</summary>
    public Tensor Gate(Tensor u)
    {
        using var open = u.gt(Zero);
        var gate = open.to(u.dtype);
        // (1 - c) * [u > 0] + c: 1 where open, c elsewhere; for ReLU this is the indicator itself.
        return IsRelu ? gate : gate.Times_(1.0 - NegativeSlope).Plus_(NegativeSlope);
    }

    /// <summary>
    /// s * sigma'(u), elementwise, where <paramref name="uOrSigma"/> is u or sigma(u) (same sign, see
    /// the remarks): the back-propagated signal through this activation. Works in place on
    /// <paramref name="s"/> and returns it.
    /// </summary>
    public Tensor Gated_(Tensor s, Tensor uOrSigma)
    {
        if (IsLinear) return s;
        if (IsRelu)
        {
            using var open = uOrSigma.gt(Zero);
            return s.mul_(open);
        }
        using var gate = Gate(uOrSigma);
        return s.mul_(gate);
    }

    /// <summary>
    /// s * sigma'(u) read from the output <paramref name="sigma"/> = sigma(u) only, in place on
    /// <paramref name="s"/>: the step's form, whose hidden buffers hold sigma(u). On the CPU it is one pass
    /// over the two tensors' memory (<see cref="HostMemory.Gate_"/>: s * (sigma &gt; 0 ? 1 : c)). Otherwise,
    /// for ReLU, sigma(u) &gt;= 0, so its sign is the gate (1 where u &gt; 0, 0 elsewhere): one vectorized
    /// product with no mask tensor, three times cheaper than <see cref="Gated_"/>'s comparison. Given u
    /// instead, the ReLU sign form is wrong (-1 where u &lt; 0).
    /// </summary>
    public Tensor GatedByOutput_(Tensor s, Tensor sigma)
    {
        if (IsLinear) return s;
        // In one pass over the tensors' memory where it can be read as it lies, with the gate's two
        // values as Gate computes them in the tensor's dtype: (1 - c) * 1 + c where open, c elsewhere.
        var open = IsRelu ? 1.0 : s.dtype == ScalarType.Float32 ? (float)(1.0 - NegativeSlope) + (float)NegativeSlope : 1.0 - NegativeSlope + NegativeSlope;
        if (HostMemory.Gate_(s, sigma, open, NegativeSlope)) return s;
        if (!IsRelu) return Gated_(s, sigma);
        using var gate = sigma.sign();
        return s.mul_(gate);
    }

    public override string ToString() => NegativeSlope switch
    {
        0.0 => "relu",
        1.0 => "linear",
        _ => FormattableString.Invariant($"leaky:{NegativeSlope}"),
    };
}
