using NUnit.Framework;
using Shouldly;
using Verify.Model;
using Verify.Model.Claims;
using Verify.Model.Hunt;
using Verify.Model.Protocols;
using Verify.TestSupport;
using Verify.Conjectures;

namespace Verify.Properties.Hunt;

/// <summary>
/// The Nightly hunt: 400 cases of each two-layer claim under the hyperplane reading, steered by the hunt from the run
/// seed (`VERIFY_SEED` replays it). The claims fail near claim 3's N* (the
/// near-n-star family: <see cref="Claims.NearNStarFindingTest"/>, <see cref="Claims.ReluNearNStarFindingTest"/>);
/// anywhere else a failure is a new counterexample, printed with its shrunk form and replay command.
/// </summary>
[TestFixture, Category("Nightly")]
public sealed class HuntNightlyTest
{
    const int Budget = 400;

    [TestCase("lowest-layer-specialization")]
    [TestCase("core-argument")]
    [TestCase("unspecialized-students-vanish")]
    public void AHuntOf400Cases_FindsNoCounterexample_OutsideTheKnownNearNStarFinding(string claim)
    {
        var hunt = new HuntIdentity(claim, Reading.Hyperplane, RunSeed.Value);
        using var db = HuntDatabase.InMemory(hunt);
        HuntRunner.Run(HuntTargets.For(claim, Reading.Hyperplane), HuntStream.Main(hunt.Seed), new HuntBudget(null, Budget), db, new HuntSettings { ShrinkLimit = 3 });
        var s = HuntSummary.Of(hunt, db.Records);
        TestContext.Out.WriteLine($"hunt {hunt}: {s.Tried} tried, {s.Conclusive} conclusive, {s.Fails} fail, failure rate <= {s.FailureRateUpper95:0.####}; random draws {s.RandomDraws.Conclusive} conclusive, {s.RandomDraws.Fails} fail, failure rate <= {s.RandomDraws.Upper95:0.####}; replay: {RunSeed.Replay}");
        foreach (var f in s.Families) TestContext.Out.WriteLine($"  {f.Family,-12} {f.Activation,-6} {f.Tried,4} tried {f.Conclusive,4} conclusive {f.Fails,3} fail, smallest margin {f.MinMargin:0.####}");
        foreach (var f in s.Failures.Take(5)) TestContext.Out.WriteLine($"  failure {f.Record.Index}: {f.Replay}; shrunk: {f.ReplaySmallest}");

        s.Conclusive.ShouldBeGreaterThanOrEqualTo(Rules.NightlyMinConclusive, $"a hunt of {Budget} cases judges at least {Rules.NightlyMinConclusive} conclusively; replay: {RunSeed.Replay}");
        var elsewhere = s.Failures.Where(f => f.Record.Family != CaseFamily.NearNStar.Name).ToArray();
        elsewhere.ShouldBeEmpty("a counterexample outside the near-N* finding: " + string.Join("; ", elsewhere.Select(f => $"{f.Record.Evidence} (replay: {f.Replay}; shrunk: {f.ReplaySmallest})")));
    }
}
