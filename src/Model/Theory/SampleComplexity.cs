namespace Verify.Model.Theory;

/// <summary>
/// The two-layer polynomial sample-complexity statement of the abstract, as code:
/// a teacher-aware dataset of N &gt;= C_N K^{5/2} d^3 / eps points suffices when training reaches
/// max_x ||g_1(x)|| &lt;= C_g eps / (K^{3/2} sqrt d), with K = m_1 + n_1.
/// The paper states both up to constants it does not give; <see cref="SampleConstant"/> and
/// <see cref="GradientConstant"/> are those constants, 1 unless a caller calibrates them, and every
/// check that uses them names their values.
/// </summary>
/// <param name="SampleConstant">C_N in the sample bound.</param>
/// <param name="GradientConstant">C_g in the gradient level.</param>
public sealed record SampleComplexity(double SampleConstant = 1.0, double GradientConstant = 1.0)
{
    /// <summary>K = m_1 + n_1.</summary>
    public static int K(int teacherWidth, int studentWidth)
    {
        if (teacherWidth < 1 || studentWidth < 1)
            throw new ArgumentOutOfRangeException(nameof(teacherWidth), $"Widths must be >= 1; got teacher {teacherWidth}, student {studentWidth}.");
        return teacherWidth + studentWidth;
    }

    /// <summary>C_N K^{5/2} d^3 / eps: samples (augmented points included) the bound asks for.</summary>
    public double RequiredSamples(int k, int d, double eps)
    {
        Check(k, d, eps);
        return SampleConstant * Math.Pow(k, 2.5) * Math.Pow(d, 3) / eps;
    }

    /// <summary>C_g eps / (K^{3/2} sqrt d): the per-sample gradient level training must reach.</summary>
    public double GradientThreshold(int k, int d, double eps)
    {
        Check(k, d, eps);
        return GradientConstant * eps / (Math.Pow(k, 1.5) * Math.Sqrt(d));
    }

    /// <summary>The eps a dataset of <paramref name="samples"/> points supports: the bound solved for eps.</summary>
    public double EpsilonFor(int k, int d, double samples)
    {
        if (!(samples > 0)) throw new ArgumentOutOfRangeException(nameof(samples), samples, "Sample count must be > 0.");
        Check(k, d, 1.0);
        return SampleConstant * Math.Pow(k, 2.5) * Math.Pow(d, 3) / samples;
    }

    static void Check(int k, int d, double eps)
    {
        if (k < 2) throw new ArgumentOutOfRangeException(nameof(k), k, $"K = m_1 + n_1 must be >= 2; got {k}.");
        if (d < 1) throw new ArgumentOutOfRangeException(nameof(d), d, $"Input dimension d must be >= 1; got {d}.");
        if (!double.IsFinite(eps) || eps <= 0) throw new ArgumentOutOfRangeException(nameof(eps), eps, $"eps must be finite and > 0; got {eps}.");
    }
}
