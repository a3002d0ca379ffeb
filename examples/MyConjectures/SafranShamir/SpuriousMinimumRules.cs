namespace MyConjectures.SafranShamir;

/// <summary>
/// How a gradient-descent run on the population loss is judged, fixed on 2026-12-06 before any judged case was drawn
/// (calibrated on a scratch run seed, 77, that no judged run uses). Safran and Shamir call an endpoint a spurious local
/// minimum when its loss is well above 0, its gradient is near 0 and its Hessian is positive definite; these are the
/// same three tests with numbers.
/// </summary>
/// <param name="Gradient">
/// Stop, and count the run, once ||grad F|| is at most this. 1e-6: at the spurious endpoints of the scratch run the
/// Hessian's smallest eigenvalue mu was at least 0.014, so an endpoint lies within about Gradient / mu = 7e-5 of its
/// minimum. The over-parameterized runs approach degenerate global minima, where the gradient decays slowly: 1e-9 cost
/// them 100,000 to 200,000 steps, 1e-6 a median of 3,500 to 8,000.
/// </param>
/// <param name="SpuriousLoss">
/// A stopped run with loss at least this is spurious. 1e-4: the spurious endpoints of the scratch run had loss 0.0148
/// and above, the global ones 6e-10 and below.
/// </param>
/// <param name="GlobalLoss">A stopped run with loss at most this reached the global minimum (F = 0). 1e-8.</param>
/// <param name="NegativeCurvature">
/// A stopped spurious run whose Hessian has an eigenvalue below minus this stopped near a saddle: inconclusive.
/// 1e-5: the central-difference Hessian (step 1e-5) is accurate to about 1e-9; a flat direction (two parallel student
/// nodes can trade norm) gives an eigenvalue near 0, which is not counted against a minimum.
/// </param>
/// <param name="MaxSteps">The step budget of one run (the scratch run needed at most 18,369); a run that stops short of <paramref name="Gradient"/> is inconclusive.</param>
public sealed record SpuriousMinimumRules(double Gradient, double SpuriousLoss, double GlobalLoss, double NegativeCurvature, int MaxSteps)
{
    /// <summary>The rules every conjecture and the table use (version 2026-12-06).</summary>
    public static SpuriousMinimumRules Default { get; } = new(Gradient: 1e-6, SpuriousLoss: 1e-4, GlobalLoss: 1e-8, NegativeCurvature: 1e-5, MaxSteps: 200_000);

    public const string Version = "2026-12-06";

    /// <summary>The verdict on one run's endpoint.</summary>
    public RunVerdict Judge(GradientDescentRun run)
    {
        if (!double.IsFinite(run.Loss) || !double.IsFinite(run.GradientNorm)) return new RunVerdict(RunKind.Inconclusive, $"diverged after {run.Steps} steps");
        if (run.GradientNorm > Gradient) return new RunVerdict(RunKind.Inconclusive, $"gradient {run.GradientNorm:G2} > {Gradient:G0} after {run.Steps} steps");
        if (run.Loss <= GlobalLoss) return new RunVerdict(RunKind.Global, null);
        if (run.Loss < SpuriousLoss) return new RunVerdict(RunKind.Inconclusive, $"loss {run.Loss:G2} between {GlobalLoss:G0} and {SpuriousLoss:G0}");
        if (run.MinHessianEigenvalue is not { } mu) throw new InvalidOperationException("A stopped spurious run must carry its Hessian's smallest eigenvalue.");
        return mu < -NegativeCurvature
            ? new RunVerdict(RunKind.Inconclusive, $"stopped near a saddle (Hessian eigenvalue {mu:G2})")
            : new RunVerdict(RunKind.Spurious, null);
    }
}

public enum RunKind { Spurious, Global, Inconclusive }

/// <summary>A run's verdict; <paramref name="Reason"/> says why an inconclusive run is one.</summary>
public sealed record RunVerdict(RunKind Kind, string? Reason)
{
    /// <summary>True: spurious; false: global; null: inconclusive (not counted).</summary>
    public bool? Spurious => Kind switch { RunKind.Spurious => true, RunKind.Global => false, _ => null };
}
