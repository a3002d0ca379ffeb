using MathNet.Numerics.LinearAlgebra;
using Verify.Model.Runtime;

namespace MyConjectures.SafranShamir;

/// <summary>One case of the experiment: k teacher nodes (orthonormal, d = k) and a student of n nodes, from one seed.</summary>
public sealed record SpuriousCase(int K, int N, long Seed)
{
    public override string ToString() => $"k {K}, n {N}, seed {Seed}";
}

/// <summary>
/// Where gradient descent on the population loss ended: the student's rows, its loss, gradient norm, steps, and the
/// smallest eigenvalue of the Hessian where the run stopped at a positive loss (the only endpoints a verdict reads it at).
/// </summary>
public sealed record GradientDescentRun(SpuriousCase Case, double Loss, double GradientNorm, int Steps, double? MinHessianEigenvalue, double[] Student)
{
    /// <summary>
    /// Xavier (Glorot uniform: U(-a, a), a = sqrt(6 / (d + n))) initialization of the n x d student from the case's seed
    /// (stream "init"), then gradient descent with step 3 / n on the closed-form population loss until ||grad F|| is at
    /// most rules.Gradient or rules.MaxSteps steps are spent.
    /// </summary>
    /// <summary>The step is this over n (see the theorem page: 5 / k diverged where student nodes align, with curvature about n / 2).</summary>
    public const double StepTimesN = 3;

    public static GradientDescentRun Of(SpuriousCase c, SpuriousMinimumRules rules)
    {
        if (c.K < 1 || c.N < 1) throw new ArgumentOutOfRangeException(nameof(c), c, "Need k >= 1 and n >= 1.");
        var d = c.K;
        var loss = PopulationLoss.OrthonormalTeacher(c.K, d);
        var random = new Random((int)(Seeds.Of(c.Seed, "init") & int.MaxValue));
        var a = Math.Sqrt(6.0 / (d + c.N));
        var w = new double[c.N * d];
        for (var p = 0; p < w.Length; p++) w[p] = (2 * random.NextDouble() - 1) * a;
        var step = StepTimesN / c.N;
        var g = new double[w.Length];
        var value = loss.ValueAndGradient(w, g);
        var norm = Norm(g);
        var steps = 0;
        while (norm > rules.Gradient && steps < rules.MaxSteps && double.IsFinite(norm))
        {
            for (var p = 0; p < w.Length; p++) w[p] -= step * g[p];
            value = loss.ValueAndGradient(w, g);
            norm = Norm(g);
            steps++;
        }
        double? mu = norm <= rules.Gradient && value > rules.GlobalLoss ? MinEigenvalue(loss.Hessian(w)) : null;
        return new GradientDescentRun(c, value, norm, steps, mu, w);
    }

    static double Norm(double[] g)
    {
        double s = 0;
        foreach (var x in g) s += x * x;
        return Math.Sqrt(s);
    }

    static double MinEigenvalue(double[,] h) => Matrix<double>.Build.DenseOfArray(h).Evd(Symmetricity.Symmetric).EigenValues.Min(z => z.Real);
}
