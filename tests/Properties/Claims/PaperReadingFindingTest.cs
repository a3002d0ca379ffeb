using NUnit.Framework;
using Shouldly;
using Verify.Model.Analysis;
using Verify.Model.Claims;
using Verify.Model.Protocols;
using Verify.TestSupport;
using Verify.Conjectures;

namespace Verify.Properties.Claims;

/// <summary>
/// Known finding about the paper's wording: claims 1, 2 and 4 read as the paper words them (a node
/// with rho &gt; tau and w_k = c w*_j, c &gt; 0; every other node with ~0 fan-out) fail on trained
/// students where the hyperplane reading holds: a teacher's hyperplane is matched by a verified
/// mirror (w_k = -c w*_j, its linear term compensated), and un-specialized nodes keep fan-out in
/// cancelling co-linear groups or affine groups. Each reading is a claim of claims.json with its
/// own counts; this fixture asserts what the gap between them is made of, and prints its rate.
/// </summary>
[TestFixture, Category("Finding")]
public sealed class PaperReadingFindingTest
{
    /// <summary>
    /// Claim 4 under the paper's reading fails on a large share of the leaky cases of every family (50 to 65% at run
    /// seed 2020), and every such failure holds under the hyperplane reading: the nodes keeping fan-out are mirrors,
    /// cancelling co-linear groups or affine groups whose combined output is verified constant on the data
    /// (except near N*, where both readings fail on stationary fits: NearNStarFindingTest).
    /// </summary>
    [Test]
    [Judges("unspecialized-students-vanish.leaky.base.paper"), Judges("unspecialized-students-vanish.leaky.decay.paper")]
    [Judges("unspecialized-students-vanish.leaky.wide.paper"), Judges("unspecialized-students-vanish.leaky.sgd.paper")]
    [Judges("unspecialized-students-vanish.leaky.near-n-star.paper")]
    public void ClaimFour_PaperReading_FailsWhereTheHyperplaneReadingHolds()
    {
        var gaps = Gaps(VanishingClaim.Info);
        var gap = gaps.Sum(g => g.PaperFailsHyperplaneHolds);
        var conclusive = gaps.Sum(g => g.Conclusive);
        var (low, high) = Statistics.ClopperPearson(gap, conclusive);
        TestContext.Out.WriteLine($"claim 4, every family: paper fails and hyperplane holds on {gap} of {conclusive} conclusive cases (95% {low:0.###}-{high:0.###}); replay: {RunSeed.Replay}");
        low.ShouldBeGreaterThan(0, "the finding: the paper's reading of claim 4 fails where nodes keep fan-out in verified groups");
        gaps.Where(g => !g.Claim.EndsWith("." + CaseFamily.NearNStar.Name, StringComparison.Ordinal) && !g.Claim.EndsWith("." + CaseFamily.Wide.Name, StringComparison.Ordinal))
            .Sum(g => g.BothFail)
            .ShouldBe(0, "every failure of the paper's reading is explained by what the hyperplane reading verifies (where both fail: NearNStarFindingTest, WideClaimFourFindingTest)");
    }

    /// <summary>
    /// Claims 1 and 2 under the paper's reading fail now and then (0 to 2 cases of 16 to 18 per family at run seed
    /// 2020, in the decay and sgd families): a teacher is matched only by its verified mirror. Every such case holds
    /// under the hyperplane reading with a teacher matched only by a mirror.
    /// </summary>
    [Test]
    [Judges("lowest-layer-specialization.relu.base.paper"), Judges("lowest-layer-specialization.leaky.base.paper")]
    [Judges("lowest-layer-specialization.relu.decay.paper"), Judges("lowest-layer-specialization.leaky.decay.paper")]
    [Judges("lowest-layer-specialization.relu.wide.paper"), Judges("lowest-layer-specialization.leaky.wide.paper")]
    [Judges("lowest-layer-specialization.relu.sgd.paper"), Judges("lowest-layer-specialization.leaky.sgd.paper")]
    [Judges("lowest-layer-specialization.relu.near-n-star.paper"), Judges("lowest-layer-specialization.leaky.near-n-star.paper")]
    [Judges("core-argument.relu.base.paper"), Judges("core-argument.leaky.base.paper")]
    [Judges("core-argument.relu.decay.paper"), Judges("core-argument.leaky.decay.paper")]
    [Judges("core-argument.relu.wide.paper"), Judges("core-argument.leaky.wide.paper")]
    [Judges("core-argument.relu.sgd.paper"), Judges("core-argument.leaky.sgd.paper")]
    [Judges("core-argument.relu.near-n-star.paper"), Judges("core-argument.leaky.near-n-star.paper")]
    public void ClaimsOneAndTwo_PaperReading_FailsOnlyWhereAVerifiedMirrorStandsIn()
    {
        var run = ClaimRuns.Fresh;
        Gaps(CoreArgumentClaim.Info);
        foreach (var claim in TheoremChecks.TwoLayerClaims.Where(c => c.Reading == Reading.Hyperplane && c.Id.StartsWith(LowestLayerSpecializationClaim.Info.Id + ".", StringComparison.Ordinal)))
        {
            var paper = run.CasesOf(ClaimRuns.Claim(LowestLayerSpecializationClaim.Info, claim.Id.Contains(".relu.", StringComparison.Ordinal) ? "relu" : "leaky", claim.Family!, Reading.Paper));
            foreach (var (p, h) in paper.Zip(run.CasesOf(claim)).Where(x => x.First.Outcome.Verdict == Verdict.Fails && x.Second.Outcome.Verdict == Verdict.Holds))
                ((ClaimOutcome<SpecializationNumbers>)h.Outcome).Numbers.MatchedOnlyByMirror
                    .ShouldBeGreaterThan(0, $"{claim.Id}: the hyperplane reading holds only through a verified mirror: {h.Outcome}; replay: {RunSeed.Replay}");
        }
        var gaps = Gaps(LowestLayerSpecializationClaim.Info);
        gaps.Count.ShouldBe(CaseFamily.All.Count * 2, "both readings of claim 1 are judged in every family, at both activations");
    }

    static IReadOnlyList<ReadingGap> Gaps(ClaimInfo claim)
    {
        var gaps = ClaimRuns.Fresh.ReadingGaps().Where(g => g.Claim.StartsWith(claim.Id + ".", StringComparison.Ordinal)).ToArray();
        foreach (var g in gaps)
            TestContext.Out.WriteLine($"{g.Claim,-52} paper fails, hyperplane holds: {g.PaperFailsHyperplaneHolds} of {g.Conclusive} ({g.Rate:P0}, 95% {g.Low95:0.###}-{g.High95:0.###}); both fail: {g.BothFail}");
        return gaps;
    }
}
