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
/// The arithmetic of sigma and of its gate is written once for each way of computing it, in the step's
/// operations (<see cref="IStepOps"/>: libtorch's operators, and passes over host memory); the
/// analyses read the gate as a tensor (<see cref="Gate"/>), the training kernel through its operations
/// with this activation's slope. For every c in [0, 1], sigma(u) &gt; 0 exactly where u &gt; 0, so the
/// gate may be read from the pre-activation u or from the activation sigma(u) (the training step keeps
/// only sigma(u)); both give the same tensor, bit for bit.
/// </remarks>
public sealed record Activation
{
    public double NegativeSlope { get; }

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

    /// <summary>u &lt;- sigma(u), in place, by the step's operations for u's device (<see cref="StepOps.For"/>); returns <paramref name="u"/>.</summary>
    public Tensor Apply_(Tensor u)
    {
        StepOps.For(u.device).Activate_(u, NegativeSlope);
        return u;
    }

    /// <summary>The gate sigma'(u) in {c, 1}, elementwise (1 exactly at u &gt; 0), as a new tensor of u's dtype (<see cref="TorchStepOps.Gate"/>).</summary>
    public Tensor Gate(Tensor u) => TorchStepOps.Gate(u, NegativeSlope);

    public override string ToString() => NegativeSlope switch
    {
        0.0 => "relu",
        1.0 => "linear",
        _ => FormattableString.Invariant($"leaky:{NegativeSlope}"),
    };
}
