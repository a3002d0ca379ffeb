using NUnit.Framework;
using Shouldly;
using Verify.Experiments.Support;
using Verify.Model.Claims;
using Verify.Model.Experiments;
using Verify.TestSupport;

namespace Verify.Experiments.TwoLayer;

/// <summary>
/// The paper's convergence figure (claim 6): the final eval loss falls as multi grows, judged for
/// p &gt;= 1 (see <see cref="ConvergenceClaim"/> for why p = 0 is reported, not judged).
/// Seeds: the check compares means over seeds of log10 eval loss with a 0.25-decade slack between
/// neighbouring multis; 3 seeds (default) put the mean's spread well inside it, and the ends of the
/// range differ by more than a decade at the default size.
/// Measured at the paper's size with seed 1 (`verify two-layer --seeds 1`, 100 epochs): the check
/// fails there. Early in training the loss does fall with multi, but by epoch 100 multi 1 at p = 1
/// reached an exact fit (log10 eval loss -7.2) and multi 2 ended below multi 5 and 10 (-6.8,
/// -5.4, -5.0); the Nightly case reports that outcome rather than hiding it.
/// </summary>
[TestFixture]
public sealed class ConvergenceTest
{
    [TestCase("default"), Judges("convergence")]
    [TestCase("paper", Category = "Nightly")]
    public void EvalLossDecreasesWithMulti(string scale)
    {
        var outcome = ConvergenceClaim.Judge(ExperimentRuns.LShape(scale));

        outcome.Verdict.ShouldBe(Verdict.Holds, $"scale {scale}: {outcome}");
    }

    /// <summary>Negative control: the same runs with the multi labels reversed must fail.</summary>
    [Test]
    public void TheCheckFails_WhenMultiIsReversed()
    {
        var runs = ExperimentRuns.LShape("default");
        var multis = runs.Select(r => r.Config.Multi).Distinct().Order().ToArray();
        var swapped = runs.Select(r => r with { Config = r.Config with { Multi = multis[multis.Length - 1 - Array.IndexOf(multis, r.Config.Multi)] } }).ToArray();

        ConvergenceClaim.Judge(swapped).Verdict.ShouldBe(Verdict.Fails);
    }
}
