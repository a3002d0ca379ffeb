using NUnit.Framework;
using Verify.Conjectures;

namespace Verify.Properties.Claims;

/// <summary>
/// <see cref="RateConjecture{TGroup, TCase}"/> on cases whose event probability is known: a seeded coin of bias p per group.
/// The measured interval covers p, inconclusive trials stay out of the rate, a draw replays from the run seed, and a
/// claim fails on a false statement and on too few conclusive trials.
/// </summary>
[TestFixture]
public sealed class RateConjectureTest
{
    /// <summary>A coin of bias p; with skip > 0, one trial in skip is inconclusive.</summary>
    static RateConjecture<(double P, int Skip), (double P, int Skip, long Seed)> Coin { get; } = RateConjecture.Of(
        "the coin shows heads",
        ((double P, int Skip) g, long seed) => (g.P, g.Skip, Seed: seed),
        c =>
        {
            var random = new Random((int)(c.Seed & int.MaxValue));
            if (c.Skip > 0 && random.Next(c.Skip) == 0) return Observation.Inconclusive("coin on its edge");
            return new Observation(random.NextDouble() < c.P);
        });

    [TestCase(0.1)]
    [TestCase(0.5)]
    [TestCase(0.9)]
    public void TheInterval_CoversTheCoinsBias(double p)
    {
        var rate = Coin.Measure([(p, 0)], trials: 400, runSeed: 2018)[(p, 0)];
        Assert.That(rate.Conclusive, Is.EqualTo(400));
        Assert.That(p, Is.InRange(rate.Low, rate.High), rate.ToString());
    }

    [Test]
    public void InconclusiveTrials_StayOutOfTheRate()
    {
        var rate = Coin.Measure([(0.5, 4)], trials: 400, runSeed: 2018)[(0.5, 4)];
        Assert.That(rate.Drawn - rate.Conclusive, Is.InRange(60, 140), rate.ToString());
        Assert.That(rate.Events, Is.LessThanOrEqualTo(rate.Conclusive));
        Assert.That(rate.InconclusiveReasons, Has.Exactly(1).Contains("coin on its edge"), rate.ToString());
        Assert.That(0.5, Is.InRange(rate.Low, rate.High), rate.ToString());
    }

    [Test]
    public void AMeasurement_ReplaysFromItsRunSeed_AndGroupsDrawApart()
    {
        var groups = new[] { (0.5, 0), (0.5, 1) };
        var a = Coin.Measure(groups, trials: 200, runSeed: 7);
        var b = Coin.Measure(groups, trials: 200, runSeed: 7);
        Assert.That(b.Rows.Select(r => r.Rate.Events), Is.EqualTo(a.Rows.Select(r => r.Rate.Events)));
        Assert.That(Coin.Measure(groups, trials: 200, runSeed: 8).Rows.Select(r => r.Rate.Events), Is.Not.EqualTo(a.Rows.Select(r => r.Rate.Events)));
    }

    [Test]
    public void AFalseStatement_FailsTheClaim_AndATrueOnePasses()
    {
        var groups = new[] { (0.1, 0), (0.9, 0) };
        var refuted = Assert.Throws<AssertionException>(() => Coin.Claims("heads are rarer with the heavier coin", groups, 200, 200, r => r.Above((0.1, 0), (0.9, 0))));
        Assert.That(refuted!.Message, Does.Contain("conjecture refuted"));
        Assert.That(() => Coin.Claims("heads are commoner with the heavier coin", groups, 200, 200, r => r.Above((0.9, 0), (0.1, 0))), Throws.Nothing);
    }

    [Test]
    public void TooFewConclusiveTrials_FailTheClaim_WhateverItSays()
    {
        var thin = Assert.Throws<AssertionException>(() => Coin.Claims("anything", [(0.5, 2)], 100, 100, _ => true));
        Assert.That(thin!.Message, Does.Contain("too few conclusive trials"));
    }
}
