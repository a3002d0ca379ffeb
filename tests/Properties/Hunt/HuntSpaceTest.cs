using NUnit.Framework;
using Shouldly;
using Verify.Model.Hunt;
using Verify.Model.Protocols;

namespace Verify.Properties.Hunt;

/// <summary>
/// The hunt searches the space the claim is judged on: every case it proposes, random or guided, lies in its
/// family's space at its activation (so the family it is labelled with is where it came from), at an activation the
/// claim is judged at; the same seed proposes the same cases, another seed others. Judged on the planted claim (no training).
/// </summary>
[TestFixture]
public sealed class HuntSpaceTest
{
    static HuntRecord[] Hunt(HuntTarget target, long seed, int cases)
    {
        using var db = HuntDatabase.InMemory(new HuntIdentity(target.Claim, target.Reading, seed));
        HuntRunner.Run(target, HuntStream.Main(seed), new HuntBudget(null, cases), db, new HuntSettings { Workers = 1, ShrinkLimit = 0 });
        return db.Records.ToArray();
    }

    static HuntTarget Planted(string claim) => HuntTargets.For(claim, HuntTargets.DefaultReading(claim)) is var real
        ? new HuntTarget { Claim = real.Claim, Reading = real.Reading, Families = real.Families, Leaks = real.Leaks, Judge = (p, _) => PlantedClaim.Judge(p, 0.3) }
        : throw new InvalidOperationException();

    [TestCase("lowest-layer-specialization")]
    [TestCase("unspecialized-students-vanish")]
    [TestCase("lowest-layer-specialization.deep")]
    public void EveryProposedCase_LiesInItsFamilysSpace_AtAnActivationOfTheClaim(string claim)
    {
        var target = Planted(claim);
        var records = Hunt(target, 4, 240);
        records.Count(r => r.Origin == HuntSearch.Guided).ShouldBeGreaterThan(120);
        records.Select(r => r.Family).Distinct().Count().ShouldBe(target.Families.Count, "every family is visited");
        foreach (var r in records)
        {
            var s = target.Family(r.Family).Space(r.Problem.Leak);
            var p = r.Problem;
            target.Leaks.ShouldContain(p.Leak, r.Case.ToString());
            p.D.ShouldBeInRange(s.MinD, s.MaxD, r.Case.ToString());
            p.Widths[0].ShouldBeInRange(s.MinWidth, s.MaxWidth, r.Case.ToString());
            p.Widths.Skip(1).ShouldAllBe(w => w == s.UpperWidth, r.Case.ToString());
            p.Depth.ShouldBe(s.Depth, r.Case.ToString());
            p.Multi.ShouldBeInRange(s.MinMulti, s.MaxMulti, r.Case.ToString());
            if (s.MaxDecay is { } max) p.Decay.ShouldBeInRange(0, max, r.Case.ToString());
            else s.Decays.ShouldContain(p.Decay, r.Case.ToString());
            p.Data.ShouldBe(s.Data, r.Case.ToString());
            p.Batch.ShouldBe(s.Batch, r.Case.ToString());
            if (s.SamplesOverNStar is { } top)
                (p.Samples / SmallProblemSpace.MeasuredNStar((1 + p.Multi) * p.Widths[0], p.D)).ShouldBeInRange(1, top * 1.2, r.Case.ToString());
            else if (s.MaxSamples is { } most) p.Samples.ShouldBeInRange(s.Samples, most, r.Case.ToString());
            else p.Samples.ShouldBe(s.Samples, r.Case.ToString());
        }
    }

    [Test]
    public void AHunt_ReplaysFromItsSeed_AndAnotherSeedSearchesElsewhere()
    {
        var target = Planted("core-argument");
        var one = Hunt(target, 8, 64).Select(r => r.Case.Key).ToArray();
        Hunt(target, 8, 64).Select(r => r.Case.Key).ShouldBe(one);
        Hunt(target, 9, 64).Select(r => r.Case.Key).Intersect(one).ShouldBeEmpty();
    }

    [Test]
    public void TheNearMirrorMove_PicksTheTeacherWithTheMostNearlyMirroredPair()
    {
        var seeds = Enumerable.Range(0, 40).Select(i => Verify.Model.Runtime.Seeds.Of(3, "test", i)).ToArray();
        var cosines = seeds.Select(s => HuntSearch.MostMirroredPair(new SmallProblem(3, [3], 0, 0, 2, 200, s))).ToArray();
        cosines.ShouldAllBe(c => c >= -1 && c < 1, "grid teachers have no co-linear pair");
        cosines.Min().ShouldBeLessThan(-0.8, "some teacher of 40 at d 3, m 3 has a near-mirror pair");
        HuntSearch.MostMirroredPair(new SmallProblem(3, [1], 0, 0, 2, 200, seeds[0])).ShouldBe(1, "one node has no pair");
    }

    /// <summary>
    /// A deep failure shrinks within its claim: every candidate keeps the failure's depth (the property tests' shrinker
    /// also proposes one layer fewer, which would turn claim 1 at depth into claim 1 at two layers).
    /// </summary>
    [Test]
    public void AShrinkCandidate_KeepsTheDepthOfTheFailure()
    {
        var deep = new HuntCase("four-layer", new SmallProblem(5, [3, 2, 2], 0, 0, 3, 150, 11));
        SmallProblemShrinker.Candidates(deep.Problem).ShouldContain(p => p.Depth < 3, "the shared rule proposes fewer layers");
        var candidates = HuntShrink.Candidates(deep);
        candidates.Count.ShouldBe(4, "d, lowest width, multi, samples");
        candidates.ShouldAllBe(c => c.Problem.Depth == 3 && c.Family == "four-layer");
    }
}
