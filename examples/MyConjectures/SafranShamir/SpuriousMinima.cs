using Verify.Conjectures;

namespace MyConjectures.SafranShamir;

/// <summary>A configuration of the experiment: k teacher nodes and a student of n nodes.</summary>
public readonly record struct Width(int K, int N)
{
    public override string ToString() => $"k {K}, n {N}";
}

/// <summary>
/// Safran and Shamir's experiment as a rate over drawn runs: a case is a seed for a (k, n) configuration; a trial runs
/// gradient descent on the closed-form population loss from Xavier initialization (<see cref="GradientDescentRun"/>)
/// and judges the endpoint by <see cref="SpuriousMinimumRules.Default"/>; inconclusive runs are not counted.
/// </summary>
public static class SpuriousMinima
{
    public static RateConjecture<Width, SpuriousCase> Rate { get; } = RateConjecture.Of(
        "gradient descent ends at a spurious local minimum",
        (Width w, long seed) => new SpuriousCase(w.K, w.N, seed),
        c =>
        {
            var verdict = SpuriousMinimumRules.Default.Judge(GradientDescentRun.Of(c, SpuriousMinimumRules.Default));
            return new Observation(verdict.Spurious, verdict.Reason is null ? null : $"{verdict.Reason} ({c})");
        });

    /// <summary>The configurations of the theorem page's table: k = n and n = k + 1, k + 2, for each k given.</summary>
    public static Width[] TableWidths(IEnumerable<int> ks) => ks.SelectMany(k => new[] { new Width(k, k), new Width(k, k + 1), new Width(k, k + 2) }).ToArray();
}
