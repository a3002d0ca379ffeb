using TorchSharp;
using static TorchSharp.torch;
using Verify.Model.Runtime;

namespace Verify.Model.Networks;

/// <summary>
/// sigma(u) = max(u, c u) with negative slope c: ReLU (c = 0), leaky ReLU (0 &lt; c &lt; 1), or the
/// linear map (c = 1), which the suite uses as a negative control. The gate sigma'(u) is 1 for
/// u &gt; 0 and c otherwise.
/// </summary>
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

    /// <summary>sigma(u), elementwise.</summary>
    public Tensor Apply(Tensor u) => NegativeSlope switch
    {
        0.0 => nn.functional.relu(u),
        1.0 => u.alias(),
        _ => u.LeakyRelu(NegativeSlope),
    };

    /// <summary>The gate sigma'(u) in {c, 1}, elementwise (1 exactly at u &gt; 0).</summary>
    public Tensor Gate(Tensor u)
    {
        var open = u.Above(0).to(u.dtype);
        return NegativeSlope == 0.0 ? open : open.Times_(1.0 - NegativeSlope).Plus_(NegativeSlope);
    }

    public override string ToString() => NegativeSlope switch
    {
        0.0 => "relu",
        1.0 => "linear",
        _ => FormattableString.Invariant($"leaky:{NegativeSlope}"),
    };
}
