using TorchSharp;
using static TorchSharp.torch;

namespace Verify.Model.Runtime;

/// <summary>
/// Every number TorchSharp takes as a <see cref="Scalar"/> goes through here. A C# number passed where
/// TorchSharp expects a <c>Scalar</c> (<c>t.mul_(1.5)</c>, <c>t * 2.0</c>, <c>t.gt(0)</c>) becomes a
/// temporary whose native handle is freed only by its finalizer; once TorchSharp has read the handle
/// the temporary is unreachable, so a collection on another thread can free it while libtorch still
/// reads it (seen here as a c10 "toDouble" error from <c>THSTensor_add_</c>; upstream TorchSharp pull
/// requests 1434 and 1496). The methods below create the scalar explicitly, keep it alive across the
/// native call and dispose it when the call returns. <c>ImplicitScalarTest</c> reads the compiled IL
/// of every assembly of the repository and fails on any implicit conversion that remains.
/// </summary>
public static class Scalars
{
    // Constants held for the life of the process: a static field keeps them reachable, so no
    // finalizer can free them during a call. They are read-only to libtorch and safe to share
    // across threads. TorchSharp's own add(t) and square() pass these values as temporaries.
    static readonly Scalar One = 1.ToScalar();
    static readonly Scalar Two = 2.ToScalar();

    /// <summary>Calls <paramref name="op"/> with an owned scalar holding <paramref name="value"/>,
    /// disposed after the call returns (the <c>using</c> keeps it reachable until then).</summary>
    public static T With<T>(double value, Func<Scalar, T> op)
    {
        using var scalar = value.ToScalar();
        return op(scalar);
    }

    /// <summary>An owned integer scalar (index arithmetic on int64 tensors stays integral).</summary>
    public static T With<T>(long value, Func<Scalar, T> op)
    {
        using var scalar = value.ToScalar();
        return op(scalar);
    }

    /// <summary>Two owned scalars, for calls that take two (<c>clamp</c>, <c>add(other, alpha)</c>).</summary>
    public static T With<T>(double first, double second, Func<Scalar, Scalar, T> op)
    {
        using var a = first.ToScalar();
        using var b = second.ToScalar();
        return op(a, b);
    }

    /// <summary>t * v.</summary>
    public static Tensor Times(this Tensor t, double v) => With(v, t.mul);
    /// <summary>t *= v, in place.</summary>
    public static Tensor Times_(this Tensor t, double v) => With(v, t.mul_);
    /// <summary>t / v.</summary>
    public static Tensor Over(this Tensor t, double v) => With(v, s => t.div(s));
    /// <summary>t /= v, in place.</summary>
    public static Tensor Over_(this Tensor t, double v) => With(v, s => t.div_(s));
    /// <summary>t + v.</summary>
    public static Tensor Plus(this Tensor t, double v) => With(v, s => t.add(s, One));
    /// <summary>t += v, in place.</summary>
    public static Tensor Plus_(this Tensor t, double v) => With(v, s => t.add_(s, One));
    /// <summary>t + other (TorchSharp's <c>a + b</c> passes alpha = 1 as a temporary).</summary>
    public static Tensor Plus(this Tensor t, Tensor other) => t.add(other, One);
    /// <summary>t += other, in place.</summary>
    public static Tensor Plus_(this Tensor t, Tensor other) => t.add_(other, One);
    /// <summary>t + v for an integer v (an int64 tensor stays int64).</summary>
    public static Tensor Plus(this Tensor t, long v) => With(v, s => t.add(s, One));
    /// <summary>t - v.</summary>
    public static Tensor Minus(this Tensor t, double v) => With(v, s => t.sub(s));
    /// <summary>v - t.</summary>
    public static Tensor SubtractedFrom(this Tensor t, double v) => With(v, s => t.neg().add_(s, One));
    /// <summary>t * t, elementwise (TorchSharp's <c>square()</c> passes the exponent 2 as a temporary).</summary>
    public static Tensor Squared(this Tensor t) => t.pow(Two);
    /// <summary>t + alpha * other.</summary>
    public static Tensor PlusScaled(this Tensor t, Tensor other, double alpha) => With(alpha, a => t.add(other, a));
    /// <summary>t += alpha * other, in place.</summary>
    public static Tensor PlusScaled_(this Tensor t, Tensor other, double alpha) => With(alpha, a => t.add_(other, a));
    /// <summary>t ** v.</summary>
    public static Tensor Power(this Tensor t, double v) => With(v, t.pow);
    /// <summary>t &gt; v, elementwise.</summary>
    public static Tensor Above(this Tensor t, double v) => With(v, t.gt);
    /// <summary>t &gt;= v, elementwise.</summary>
    public static Tensor AtLeast(this Tensor t, double v) => With(v, t.ge);
    /// <summary>t &lt; v, elementwise.</summary>
    public static Tensor Below(this Tensor t, double v) => With(v, t.lt);
    /// <summary>t &lt;= v, elementwise.</summary>
    public static Tensor AtMost(this Tensor t, double v) => With(v, t.le);
    /// <summary>t clamped to [lo, hi].</summary>
    public static Tensor ClampTo(this Tensor t, double lo, double hi) => With(lo, hi, (a, b) => t.clamp(a, b));
    /// <summary>t clamped below at lo.</summary>
    public static Tensor ClampAtLeast(this Tensor t, double lo) => With(lo, t.clamp_min);
    /// <summary>t clamped above at hi.</summary>
    public static Tensor ClampAtMost(this Tensor t, double hi) => With(hi, t.clamp_max);
    /// <summary>Every entry of t set to v, in place.</summary>
    public static Tensor Fill_(this Tensor t, double v) => With(v, t.fill_);
    /// <summary>0, 1, ..., count - 1 as int64 (TorchSharp's <c>arange(n)</c> passes start and step as temporaries).</summary>
    public static Tensor Range(long count, Device? device = null)
    {
        using var start = 0L.ToScalar();
        using var stop = count.ToScalar();
        return arange(start, stop, One, ScalarType.Int64, device);
    }
    /// <summary>
    /// The value of a one-element tensor as a double. TorchSharp's <c>t.ToDouble()</c> reads it through a temporary
    /// <see cref="Scalar"/> that nothing keeps alive during the native read (a c10 "toDouble" error under GC
    /// pressure, seen when deep cases ran side by side); this one owns the scalar until the read returns.
    /// </summary>
    public static double Value(this Tensor t)
    {
        using var scalar = t.ToScalar();
        return scalar.ToDouble();
    }
    /// <summary>max(u, c u) with negative slope c, elementwise.</summary>
    public static Tensor LeakyRelu(this Tensor t, double slope) => With(slope, t.leaky_relu);
}
