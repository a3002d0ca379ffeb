using NUnit.Framework;
using Shouldly;
using Verify.Model.Analysis;
using Verify.Model.Claims;
using Verify.Model.Data;
using Verify.Model.Evidence;
using Verify.Model.Experiments;
using Verify.Model.Networks;
using Verify.Model.Training;
using Verify.TestSupport;
using static TorchSharp.torch;

namespace Verify.Properties.Claims;

/// <summary>
/// Claim 5 read against the gradient (<see cref="StrongTeachersFirstByGradientClaim"/>): within each
/// run with p &gt;= 1, the strongest third of teachers is first covered at a larger max per-sample
/// gradient than the weakest third, in more than half the runs (one-sided 95% bootstrap lower bound
/// over seeds above 1/2). On the small problems of the epoch reading (<see cref="StrongFirstRuns"/>:
/// d 4, m 3, p = 2, multi 2, 16 case seeds <c>Seeds.Of(70, "strong-first", k)</c>; the thirds are
/// teacher 1 against teacher 3), with two negative controls judged by the same judge on their own
/// evidence: teachers of equal strength (the same cases, fan-out rows rescaled to one norm) and the
/// strength order reversed (the weakest labelled strongest). Then the rule at its boundaries, on
/// hand-built timelines, and the evidence it reads (<see cref="FirstCoverage"/>).
/// </summary>
[TestFixture]
public sealed class StrongTeachersFirstByGradientTest
{
    [Test, Judges("strong-teachers-first.gradient")]
    public void StrongTeachersAreFirstCoveredAtALargerGradient()
    {
        var outcome = StrongTeachersFirstByGradientClaim.Judge(StrongFirstRuns.Decaying, StrongFirstRuns.FixtureSeed);
        TestContext.Out.WriteLine(outcome);

        outcome.Verdict.ShouldBe(Verdict.Holds, outcome.ToString());
    }

    [Test]
    public void TeachersOfEqualStrength_ShowNoGradientOrder()
    {
        var outcome = StrongTeachersFirstByGradientClaim.Judge(StrongFirstRuns.EqualStrength, StrongFirstRuns.FixtureSeed);
        TestContext.Out.WriteLine(outcome);

        StrongFirstRuns.EqualStrength.ShouldAllBe(t => Math.Abs(t.TeacherFanOutNorms.Max() - t.TeacherFanOutNorms.Min()) < 1e-9, "the control's teachers have one strength");
        outcome.Verdict.ShouldBe(Verdict.Fails, outcome.ToString());
    }

    [Test]
    public void TheStrengthOrderReversed_Fails()
    {
        var outcome = StrongTeachersFirstByGradientClaim.Judge(StrongFirstRuns.Decaying.Select(Reversed).ToArray(), StrongFirstRuns.FixtureSeed);
        TestContext.Out.WriteLine(outcome);

        outcome.Verdict.ShouldBe(Verdict.Fails, outcome.ToString());
    }

    [Test]
    public void EachTimeline_RecordsTheGradientAndLossWhereATeacherIsFirstCovered()
    {
        foreach (var t in StrongFirstRuns.Decaying)
        {
            var gradients = t.GradientAtFirstCover.ShouldNotBeNull(t.Case);
            var losses = t.LossAtFirstCover.ShouldNotBeNull(t.Case);
            for (var j = 0; j < gradients.Length; j++)
            {
                (gradients[j] is null).ShouldBe(t.FirstCoveredEpoch[j] is null, $"{t.Case}, teacher {j + 1}: a gradient exactly where the teacher was covered");
                (losses[j] is null).ShouldBe(t.FirstCoveredEpoch[j] is null, $"{t.Case}, teacher {j + 1}: a loss exactly where the teacher was covered");
                if (gradients[j] is { } g) double.IsFinite(g).ShouldBeTrue($"{t.Case}, teacher {j + 1}: gradient {g}");
                for (var i = 0; i < j; i++)
                    if (t.FirstCoveredEpoch[i] is { } e && e == t.FirstCoveredEpoch[j])
                        gradients[i].ShouldBe(gradients[j], $"{t.Case}: teachers {i + 1} and {j + 1} were first covered at one epoch, {e}");
            }
            double.IsFinite(t.FinalGradient).ShouldBeTrue($"{t.Case}: the final gradient is measured");
        }
    }

    /// <summary>A timeline with its teachers in the reverse order: the weakest labelled strongest.</summary>
    static CoverageTimeline Reversed(CoverageTimeline t) => t with
    {
        FirstCoveredEpoch = Enumerable.Reverse(t.FirstCoveredEpoch).ToArray(),
        CoveredEarly = Enumerable.Reverse(t.CoveredEarly).ToArray(),
        CoveredAtEnd = Enumerable.Reverse(t.CoveredAtEnd).ToArray(),
        TeacherFanOutNorms = Enumerable.Reverse(t.TeacherFanOutNorms).ToArray(),
        GradientAtFirstCover = t.GradientAtFirstCover is null ? null : Enumerable.Reverse(t.GradientAtFirstCover).ToArray(),
        LossAtFirstCover = t.LossAtFirstCover is null ? null : Enumerable.Reverse(t.LossAtFirstCover).ToArray(),
    };

    // ---- the rule at its boundaries, on hand-built timelines ----

    /// <summary>A run whose teacher j was first covered at gradient <paramref name="gradients"/>[j] (null: never), teachers in strength order.</summary>
    static CoverageTimeline Run(double?[] gradients, long seed, double decay = 1, int multi = 1, double final = 0.01, bool recorded = true)
    {
        var m = gradients.Length;
        return new CoverageTimeline("run", $"seed {seed}, p {decay}", seed, decay, multi, gradients.Select(g => g is null ? (int?)null : 1).ToArray(),
            new bool[m], gradients.Select(g => g is not null).ToArray(), 1, 10, Enumerable.Range(1, m).Select(j => Math.Pow(j, -decay)).ToArray(),
            recorded ? gradients : null, recorded ? gradients.Select(g => g / 10).ToArray() : null, final);
    }

    /// <summary>m = 3: teacher 1 covered at gradient 1, teacher 3 at 0.1: a vote for the claim.</summary>
    static CoverageTimeline For(long seed, double decay = 1, int multi = 1) => Run([1.0, 0.5, 0.1], seed, decay, multi);

    /// <summary>m = 3: teacher 1 covered at 0.1, teacher 3 at 1: a vote against.</summary>
    static CoverageTimeline Against(long seed, double decay = 1, int multi = 1) => Run([0.1, 0.5, 1.0], seed, decay, multi);

    static CoverageTimeline[] Seeds(Func<long, CoverageTimeline> run, int count, long from = 1) =>
        Enumerable.Range(0, count).Select(i => run(from + i)).ToArray();

    static ClaimOutcome<StrongFirstByGradientNumbers> Judge(params CoverageTimeline[] runs) => StrongTeachersFirstByGradientClaim.Judge(runs, runSeed: 5);

    [Test]
    public void Rules_AreFixedWithTheirReasons()
    {
        (StrongFirstByGradientRules.MinDecay, StrongFirstByGradientRules.Thirds, StrongFirstByGradientRules.NullShare, StrongFirstByGradientRules.Alpha)
            .ShouldBe((StrongTeachersFirstClaim.MinDecay, 3, 0.5, 0.05), "the epoch reading's runs and thirds, a share of 1/2 at one-sided 95%");
        (StrongFirstByGradientRules.MinRuns, StrongFirstByGradientRules.MinSeeds, StrongFirstByGradientRules.Resamples).ShouldBe((5, 3, 4000));
        StrongFirstByGradientRules.MinRuns.ShouldBe(Statistics.MinimumTrials(StrongFirstByGradientRules.Alpha), "the fewest runs a unanimous sign test needs at 95%");
    }

    [Test]
    public void Gradient_HoldsWhenEveryUsableRunLeads_FromFiveRunsOverThreeSeeds()
    {
        var five = Judge(Seeds(s => For(s), 5));
        five.Verdict.ShouldBe(Verdict.Holds, five.Evidence);
        (five.Numbers.Usable, five.Numbers.StrongFirst, five.Numbers.Share, five.Numbers.Lower95).ShouldBe((5, 5, 1.0, 1.0));
        (five.Numbers.StrongMeanLog10, five.Numbers.WeakMeanLog10).ShouldBe((0.0, -1.0), "log10 of 1 and of 0.1");

        var four = Judge(Seeds(s => For(s), 4));
        (four.Verdict, four.Reason).ShouldBe((Verdict.Inconclusive, "hypothesis missed: 4 usable runs (pairs that are not ties), 5 needed"));
        four.ConclusionObserved.ShouldBe(true, "four runs lead, but four cannot carry a one-sided 95% verdict");

        var twoSeeds = Judge(For(1, multi: 1), For(1, multi: 2), For(1, multi: 5), For(2, multi: 1), For(2, multi: 2));
        (twoSeeds.Verdict, twoSeeds.Reason).ShouldBe((Verdict.Inconclusive, "hypothesis missed: 2 seeds with a usable run, 3 needed for the bootstrap"));
    }

    [Test]
    public void Gradient_FailsWhenTheShareIsNotAboveHalf()
    {
        var half = Judge([.. Seeds(s => For(s), 5), .. Seeds(s => Against(s), 5, from: 6)]);
        half.Verdict.ShouldBe(Verdict.Fails, half.Evidence);
        half.Numbers.Share.ShouldBe(0.5);
        half.Numbers.Lower95.ShouldBeLessThan(0.5);
        half.ConclusionObserved.ShouldBe(false);
        half.Evidence.ShouldContain("[not above]");

        var mostly = Judge([.. Seeds(s => For(s), 16), .. Seeds(s => Against(s), 4, from: 17)]);
        mostly.Verdict.ShouldBe(Verdict.Holds, $"16 of 20 seeds lead: {mostly.Evidence}");
        var reversed = Judge([.. Seeds(s => Against(s), 16), .. Seeds(s => For(s), 4, from: 17)]);
        reversed.Verdict.ShouldBe(Verdict.Fails, "the same runs with the strength order reversed");
        Judge(Seeds(s => Against(s), 5)).Numbers.Lower95.ShouldBe(0, "no run leads");
    }

    [Test]
    public void Gradient_ResamplesSeeds_NotRuns()
    {
        // Seed 1 leads in ten runs, seeds 2 and 3 trail in one each: 10 of 12 runs lead, which a sign
        // test over runs would accept (p = 0.019), but a third of the resamples hold no seed 1.
        var outcome = Judge([.. Enumerable.Range(1, 10).Select(multi => For(1, multi: multi)), Against(2), Against(3)]);
        outcome.Numbers.Share.ShouldBe(10.0 / 12, 1e-12);
        Statistics.BinomialUpperTail(10, 12, 0.5).ShouldBeLessThan(0.05);
        outcome.Numbers.Lower95.ShouldBe(0, "(2/3)^3 = 30% of the resamples draw only seeds 2 and 3");
        outcome.Verdict.ShouldBe(Verdict.Fails, outcome.Evidence);
        outcome.Numbers.Seeds.ShouldBe(3);
    }

    [Test]
    public void Gradient_NeedsATeacherOfEachThirdCovered_AndLeavesTiesOut()
    {
        StrongTeachersFirstByGradientClaim.Read(Run([1.0, 0.5, null], seed: 1)).Pair.ShouldBeFalse("the weakest third was never covered");
        StrongTeachersFirstByGradientClaim.Read(Run([null, 0.5, 0.1], seed: 1)).Pair.ShouldBeFalse("the strongest third was never covered");
        var tie = StrongTeachersFirstByGradientClaim.Read(Run([0.5, 1.0, 0.5], seed: 1));
        (tie.Pair, tie.Tie, tie.Usable, tie.StrongFirst).ShouldBe((true, true, false, false), "both thirds covered at one gradient");

        var outcome = Judge([.. Seeds(s => For(s), 5), .. Seeds(s => Run([0.5, 0.5, 0.5], s), 3, from: 6), .. Seeds(s => Run([1.0, 0.5, null], s), 4, from: 9)]);
        outcome.Verdict.ShouldBe(Verdict.Holds, outcome.Evidence);
        (outcome.Numbers.Judged, outcome.Numbers.Pairs, outcome.Numbers.Ties, outcome.Numbers.Usable, outcome.Numbers.Seeds).ShouldBe((12, 8, 3, 5, 5));
        (outcome.Numbers.WeakNeverCovered, outcome.Numbers.StrongNeverCovered).ShouldBe((4, 0));
        outcome.Numbers.Runs.Count.ShouldBe(12, "every judged run is read and reported");
    }

    [Test]
    public void Gradient_ReadsATeacherNeverCoveredAtItsRunsFinalGradient()
    {
        // m = 6: thirds of two; teachers 2 and 6 never covered, the run ends at gradient 0.001.
        var reading = StrongTeachersFirstByGradientClaim.Read(Run([1.0, null, 0.5, 0.5, 0.1, null], seed: 1, final: 0.001));
        (reading.Group, reading.StrongCovered, reading.WeakCovered).ShouldBe((2, 1, 1));
        reading.StrongLog10Gradient.ShouldBe((0 + -3) / 2.0, 1e-12, "teacher 1 at 1, teacher 2 read at the final 0.001");
        reading.WeakLog10Gradient.ShouldBe((-1 + -3) / 2.0, 1e-12, "teacher 5 at 0.1, teacher 6 read at the final 0.001");
        reading.FinalLog10Gradient.ShouldBe(-3, 1e-12);
        reading.StrongFirst.ShouldBeTrue();

        var two = StrongTeachersFirstByGradientClaim.Read(Run([0.2, 0.3], seed: 1));
        (two.Group, two.StrongLog10Gradient, two.WeakLog10Gradient).ShouldBe((1, Math.Log10(0.2), Math.Log10(0.3)), "m = 2: teacher 1 against teacher 2");
        two.StrongFirst.ShouldBeFalse();
    }

    [Test]
    public void Gradient_JudgesOnlyDecaysFromOne()
    {
        var flat = Judge(Seeds(s => For(s, decay: 0), 5));
        (flat.Verdict, flat.Reason).ShouldBe((Verdict.Inconclusive, "hypothesis missed: no p >= 1"), "at p = 0 the teachers have one strength: not judged");
        flat.Numbers.NotJudged.ShouldBe(5);

        var mixed = Judge([.. Seeds(s => For(s, decay: 1), 5), .. Seeds(s => Against(s, decay: 0.5), 5)]);
        mixed.Verdict.ShouldBe(Verdict.Holds, "p 0.5 (every run trailing) is not judged");
        (mixed.Numbers.Judged, mixed.Numbers.NotJudged).ShouldBe((5, 5));
        Should.Throw<ArgumentException>(() => Judge()).Message.ShouldContain("No runs");
    }

    [Test]
    public void Gradient_LeavesOutRunsWithoutARecordedGradient()
    {
        var outcome = Judge([.. Seeds(s => For(s), 5), .. Seeds(s => Run([1.0, 0.5, 0.1], s, recorded: false), 5, from: 6)]);
        outcome.Verdict.ShouldBe(Verdict.Holds);
        (outcome.Numbers.Judged, outcome.Numbers.Unrecorded, outcome.Numbers.Usable).ShouldBe((10, 5, 5));
        outcome.Evidence.ShouldContain("5 without a recorded gradient left out");
        var none = Judge(Seeds(s => Run([1.0, 0.5, 0.1], s, recorded: false), 5));
        (none.Verdict, none.Reason).ShouldBe((Verdict.Inconclusive, "hypothesis missed: 0 usable runs (pairs that are not ties), 5 needed"));
        none.Evidence.ShouldStartWith("no usable run (a pair whose thirds were first covered at different gradients): nothing to compare; 5 runs with p >= 1 (0 below, not judged): 0 pairs");
        Should.Throw<ArgumentException>(() => StrongTeachersFirstByGradientClaim.Read(Run([1.0], 1, recorded: false)));
    }

    [Test]
    public void Gradient_BootstrapsWithTheSeedNamedFromTheRunSeed_AndSaysWhatItMeasured()
    {
        CoverageTimeline[] runs = [.. Seeds(s => For(s), 6), Against(7), Against(8)];
        var a = Judge(runs);
        a.Numbers.BootstrapSeed.ShouldBe(Verify.Model.Runtime.Seeds.Of(5, "gradient-bootstrap"));
        a.Numbers.BootstrapSeed.ShouldNotBe(StrongTeachersFirstClaim.Judge(runs, runSeed: 5).Numbers.BootstrapSeed, "the two readings resample independently");
        Judge(runs).Numbers.Lower95.ShouldBe(a.Numbers.Lower95, "one run seed, one bound");
        a.Evidence.ShouldBe(FormattableString.Invariant(
            $"the strongest third first covered at a larger max per-sample gradient than the weakest third in 6 of 8 usable runs (share 0.75, one-sided 95% bootstrap lower bound {a.Numbers.Lower95:0.00} over 8 seeds, above 0.5 needed{(a.Verdict == Verdict.Holds ? "" : " [not above]")}); ") +
            "mean log10 gradient at first cover over those runs: strongest third -0.25, weakest third -0.75; 8 runs with p >= 1 (0 below, not judged): 8 pairs " +
            FormattableString.Invariant($"(a teacher of each third covered; one never covered read at its run's final gradient), 0 with the weakest third never covered, 0 with the strongest, 0 ties (equal means) left out; percentile bootstrap over seeds, 4000 resamples, seed {a.Numbers.BootstrapSeed}."));
        (a.Numbers.MinDecay, a.Numbers.MinRuns, a.Numbers.MinSeeds, a.Numbers.Resamples, a.Numbers.Alpha).ShouldBe((1.0, 5, 3, 4000, 0.05));
    }

    // ---- the evidence: the gradient and loss at first cover ----

    [Test]
    public void FirstCoverage_MeasuresOnce_AtAnEpochWhereATeacherIsFirstCovered()
    {
        var coverage = new FirstCoverage(3, tau: 0.9);
        var measured = new List<int>();
        coverage.Observe(1, [0.95, 0.5, 0.5], () => { measured.Add(1); return (1.0, 10.0); });
        coverage.Observe(2, [0.99, 0.8, 0.5], () => { measured.Add(2); return (0.7, 7.0); });
        coverage.Observe(3, [0.5, 0.95, 0.95], () => { measured.Add(3); return (0.5, 5.0); });

        measured.ShouldBe([1, 3], "epoch 2 covers no teacher for the first time; epoch 3 covers two, measured once");
        coverage.Epochs.ShouldBe([1, 3, 3]);
        coverage.GradientAtFirstCover.ShouldBe([10.0, 5.0, 5.0]);
        coverage.LossAtFirstCover.ShouldBe([1.0, 0.5, 0.5]);
        new FirstCoverage(2, tau: 0.9).GradientAtFirstCover.ShouldBe([null, null], "never covered so far");
    }

    [Test]
    public void FirstCoverage_TakesTheTrainersMeasurement_OrMeasuresTheStudentNow()
    {
        using var scope = NewDisposeScope();
        var streams = CaseStreams.Named(3);
        using var teacher = Teacher.Build(TeacherSpec.TwoLayer(4, 3, outputs: 5), streams.Teacher);
        using var data = Dataset.Gaussian(teacher, 40, streams.Data);
        using var student = Student.OverRealized(teacher, 2, streams.Student, ClaimBuilders.SmallProblemInitStd);

        FirstCoverage.Measure(new EpochRecord(1, 10, 0.1, TrainLoss: 2.0, MaxSampleGradient: 3.0), student, data)
            .ShouldBe((Losses.FromObjective(2.0, 5), 3.0), "the trainer's objective, on the paper's axis, and its gradient");
        var (objective, gradient) = SgdTrainer.Measure(student, data);
        FirstCoverage.Measure(new EpochRecord(1, 10, 0.1, double.NaN, double.NaN, Measured: false), student, data)
            .ShouldBe((Losses.FromObjective(objective, 5), gradient), "an epoch the trainer did not measure is measured now");
    }
}
