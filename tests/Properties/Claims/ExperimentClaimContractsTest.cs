using NUnit.Framework;
using Shouldly;
using Verify.Model.Claims;
using Verify.Model.Experiments;
using Verify.Model.Networks;
using Verify.Model.Training;

namespace Verify.Properties.Claims;

/// <summary>
/// The verdicts the report reads off the paper's sweeps (convergence, keeps-what-it-found,
/// teacher-aware data, multi-layer, leaky strong teachers, CIFAR-10) and the evidence the sweeps
/// hand to claims 4, 5 and 6, on hand-built runs whose right verdict follows from each claim's
/// statement: which runs and sizes are read, which comparison is strict, what leaves a claim
/// inconclusive. The sweeps themselves are too slow to sit at these edges.
/// </summary>
[TestFixture]
public sealed class ExperimentClaimContractsTest
{
    static TwoLayerRun Run(double decay = 1, int multi = 1, long seed = 1, int m = 3, double[]? end = null, double[]? early = null,
        double[]? evalLoss = null, TrainingData data = TrainingData.Gaussian, int nTrain = 100, TrainingOutcome outcome = TrainingOutcome.BudgetExhausted,
        Activation? activation = null, int?[]? firstCovered = null, int earlyEpoch = 5) =>
        new(new TwoLayerConfig
            {
                D = 4, M = m, Multi = multi, Decay = decay, Seed = seed, NTrain = nTrain, Batch = 1, TrainData = data,
                Activation = activation ?? Activation.Relu, Epochs = (evalLoss ?? [1.0]).Length, EarlyEpoch = earlyEpoch,
            },
            0, 0, end ?? new double[m], firstCovered ?? new int?[m], early ?? new double[m], [], [], Enumerable.Range(1, m).Select(j => 1.0 / j).ToArray(), 0,
            evalLoss ?? [1.0], [], outcome, 0);

    static double[] Covering(int m, int covered) => Enumerable.Range(0, m).Select(j => j < covered ? 0.99 : 0.5).ToArray();

    // ---- convergence ----

    [Test]
    public void Convergence_ReadsTheFinalEpoch_AndJudgesOnlyDecaysFromTheMinimum()
    {
        var runs = new[]
        {
            Run(decay: 1, multi: 1, evalLoss: [1.0, 0.1]),
            Run(decay: 1, multi: 2, evalLoss: [1e-4, 0.01]),
            Run(decay: 0, multi: 1, evalLoss: [0.01]),
            Run(decay: 0, multi: 2, evalLoss: [1.0]),   // rises, but p = 0 is below the minimum decay
        };
        var outcome = ConvergenceClaim.Judge(runs);
        outcome.Verdict.ShouldBe(Verdict.Holds, outcome.Evidence);
        outcome.Numbers.JudgedDecays.ShouldBe(1);
        outcome.Numbers.FinalLog10EvalLoss.Select(f => (f.Decay, f.Multi)).ShouldBe([(0.0, 1), (0.0, 2), (1.0, 1), (1.0, 2)], "ordered by p, then multi");
        outcome.Numbers.FinalLog10EvalLoss[3].Value.ShouldBe(-2, 1e-12, "the final epoch's loss, not the first");
        outcome.Evidence.ShouldContain("not judged (p < 1)");
        ConvergenceClaim.Judge(runs, minDecay: 0).Verdict.ShouldBe(Verdict.Fails, "p = 0 judged: its loss rises with multi");

        var firstLow = new[] { Run(decay: 1, multi: 1, evalLoss: [1.0, 0.1]), Run(decay: 1, multi: 2, evalLoss: [1e-4, 1.0]) };
        ConvergenceClaim.Judge(firstLow).Verdict.ShouldBe(Verdict.Fails, "the final loss rose from 0.1 to 1");
    }

    [Test]
    public void Convergence_AllowsASmallRiseBetweenNeighbours_ButNeedsTheLastBelowTheFirst()
    {
        Run3(-2, -1.8, -2.5).Verdict.ShouldBe(Verdict.Holds, "a rise of 0.2 decades between neighbours is within the slack");
        Run3(-2, -1.7, -2.5).Verdict.ShouldBe(Verdict.Fails, "a rise of 0.3 decades is not");
        Run3(-2, -2.5, -2).Verdict.ShouldBe(Verdict.Fails, "the largest multi must end strictly below the smallest");

        static ClaimOutcome Run3(double a, double b, double c) => ConvergenceClaim.Judge(
        [
            Run(multi: 1, evalLoss: [Math.Pow(10, a)]), Run(multi: 2, evalLoss: [Math.Pow(10, b)]), Run(multi: 3, evalLoss: [Math.Pow(10, c)]),
        ]);
    }

    [Test]
    public void Convergence_IsInconclusive_WithoutTwoMultisOrWithADivergedRun()
    {
        ConvergenceClaim.Judge([Run(multi: 1, evalLoss: [0.1]), Run(decay: 2, multi: 1, evalLoss: [0.1])]).Reason!
            .ShouldContain("no p >= 1 with two or more multis");
        ConvergenceClaim.Judge([Run(multi: 1, evalLoss: [0.1]), Run(multi: 2, evalLoss: [0.01], outcome: TrainingOutcome.Diverged)]).Reason!
            .ShouldContain("1 of 2 runs diverged");
    }

    // ---- training keeps what it found ----

    [Test]
    public void Keeps_ComparesEachGroupsFinalRateWithItsEarlyRate()
    {
        var runs = new[]
        {
            Run(decay: 1, multi: 1, end: Covering(3, 2), early: Covering(3, 2), evalLoss: new double[8], earlyEpoch: 5),
            Run(decay: 1, multi: 2, end: Covering(3, 3), early: Covering(3, 1), evalLoss: new double[8], earlyEpoch: 5),
        };
        var outcome = KeepsWhatItFoundClaim.Judge(runs);
        outcome.Verdict.ShouldBe(Verdict.Holds, "an unchanged rate is kept");
        outcome.Numbers.EarlyMean.ShouldBe((2.0 / 3 + 1.0 / 3) / 2, 1e-12);
        outcome.Numbers.EndMean.ShouldBe((2.0 / 3 + 1.0) / 2, 1e-12);
        outcome.Numbers.WorstGain.ShouldBe(0, 1e-12);
        (outcome.Numbers.WorstDecay, outcome.Numbers.WorstMulti, outcome.Numbers.EarlyEpoch).ShouldBe((1.0, 1, 5));

        var lost = KeepsWhatItFoundClaim.Judge([runs[0] with { BestCorrPerTeacher = Covering(3, 1) }, runs[1]]);
        lost.Verdict.ShouldBe(Verdict.Fails, "multi 1 lost a teacher it had found");
        lost.Numbers.WorstGain.ShouldBe(-1.0 / 3, 1e-12);
        Run(evalLoss: [1.0, 1.0]).EarlyEpoch.ShouldBe(2, "the early epoch is capped by the run's epochs");

        var none = KeepsWhatItFoundClaim.Judge([]);
        none.Verdict.ShouldBe(Verdict.Inconclusive);
        none.Reason.ShouldBe("no runs");
    }

    // ---- teacher-aware data ----

    [Test]
    public void TeacherAware_ComparesCoverageOverTheSmallerHalfOfTheSizes()
    {
        var runs = new[]
        {
            Run(m: 4, nTrain: 10, data: TrainingData.TeacherAware, end: Covering(4, 3)), Run(m: 4, nTrain: 10, end: Covering(4, 2)),
            Run(m: 4, nTrain: 20, data: TrainingData.TeacherAware, end: Covering(4, 2)), Run(m: 4, nTrain: 20, end: Covering(4, 1)),
            Run(m: 4, nTrain: 40, data: TrainingData.TeacherAware, end: Covering(4, 0)), Run(m: 4, nTrain: 40, end: Covering(4, 4)),
        };
        var outcome = TeacherAwareDataClaim.Judge(runs);
        outcome.Numbers.SmallNGap.ShouldBe(0.25, 1e-12, "sizes 10 and 20 are the smaller half of three; size 40 is not read");
        outcome.Numbers.Coverage.Select(c => (c.Samples, c.TeacherAware, c.Gaussian)).ShouldBe([(10, 0.75, 0.5), (20, 0.5, 0.25), (40, 0.0, 1.0)]);
        outcome.Verdict.ShouldBe(Verdict.Holds, "a gap of 0.25 is at least 0.2");
        TeacherAwareDataClaim.Judge(runs.Take(4).ToArray()).Numbers.SmallNGap.ShouldBe(0.25, 1e-12, "of two sizes the smaller one is read");

        var flat = runs.Select(r => r with { BestCorrPerTeacher = Covering(4, 2) }).ToArray();
        TeacherAwareDataClaim.Judge(flat).Verdict.ShouldBe(Verdict.Fails, "no gap");

        TeacherAwareDataClaim.Judge(runs, TrainingData.TeacherAwareOfAnotherTeacher).Reason!.ShouldContain("both kinds of data");
        TeacherAwareDataClaim.Judge(runs.Take(5).ToArray()).Reason!.ShouldContain("at the same sizes");
        TeacherAwareDataClaim.Judge(runs.Where(r => r.Config.TrainData == TrainingData.TeacherAware).ToArray()).Verdict.ShouldBe(Verdict.Inconclusive);
    }

    // ---- multi-layer, leaky strong teachers, CIFAR-10 ----

    static MultiLayerRun Deep(double[] means, TrainingOutcome outcome = TrainingOutcome.BudgetExhausted) => new(new MultiLayerConfig(), means, 0, outcome, 0);

    [Test]
    public void MultiLayer_AllowsUpperLayersAtMostTheSlackAboveTheLowest()
    {
        var within = MultiLayerClaim.Judge([Deep([0.9, 0.91, 0.5]), Deep([0.9, 0.91, 0.5])]);
        within.Verdict.ShouldBe(Verdict.Holds, "0.01 above the lowest is within the 0.02 slack");
        within.Numbers.MeanBestCorrelationPerLayer.ShouldBe([0.9, 0.91, 0.5], 1e-12);
        within.Numbers.Runs.ShouldBe(2);
        MultiLayerClaim.Judge([Deep([0.9, 0.5, 0.95])]).Verdict.ShouldBe(Verdict.Fails, "the top layer is 0.05 above the lowest");
        MultiLayerClaim.Judge([Deep([0.9, 0.95]), Deep([0.9, 0.85])]).Verdict.ShouldBe(Verdict.Holds, "the mean over runs is compared: 0.9 against 0.9");
        MultiLayerClaim.Judge([Deep([0.9, 0.5]), Deep([0.9, 0.5], TrainingOutcome.Diverged)]).Reason!.ShouldContain("diverged");
    }

    [Test]
    public void LeakyStrongTeachers_NeedsTheStrongestThirdCoveredInEveryOverRealizedRun()
    {
        var leaky = Activation.LeakyRelu(0.1);
        var good = Run(m: 6, multi: 2, activation: leaky, end: Covering(6, 2));
        var outcome = LeakyStrongTeachersClaim.Judge([good, good, Run(m: 6, multi: 1, activation: leaky, end: Covering(6, 0))]);
        outcome.Verdict.ShouldBe(Verdict.Holds, "the run of multi 1 is not over-realized and not read");
        (outcome.Numbers.OverRealizedRuns, outcome.Numbers.RunsWithStrongThirdCovered).ShouldBe((2, 2));
        var weak = Run(m: 6, multi: 3, activation: leaky, end: Covering(6, 1));
        LeakyStrongTeachersClaim.Judge([good, weak]).Numbers.RunsWithStrongThirdCovered.ShouldBe(1, "teacher 2 of the strongest third (2 of 6) is not covered");
        LeakyStrongTeachersClaim.Judge([good, weak]).Verdict.ShouldBe(Verdict.Fails);
        LeakyStrongTeachersClaim.Judge([Run(m: 2, multi: 2, activation: leaky, end: Covering(2, 1))]).Verdict.ShouldBe(Verdict.Holds, "with m < 3 the strongest teacher alone is the third");
        LeakyStrongTeachersClaim.Judge([Run(m: 6, multi: 1, activation: leaky)]).Reason.ShouldBe("hypothesis missed: no over-realized run");
        Should.Throw<ArgumentException>(() => LeakyStrongTeachersClaim.Judge([Run(multi: 2)])).Message.ShouldContain("leaky-ReLU activation only");
    }

    [Test]
    public void Images_CompareTheLargestMultiWithTheSmallest()
    {
        var runs = new[] { Run(multi: 1, end: [0.5, 0.5, 0.5]), Run(multi: 4, end: [0.7, 0.7, 0.7]), Run(multi: 2, end: [0.1, 0.1, 0.1]) };
        var outcome = ImagesOverRealizationClaim.Judge(runs, "test");
        outcome.Verdict.ShouldBe(Verdict.Holds, "multi 4 (0.7) above multi 1 (0.5); multi 2 in between is not compared");
        outcome.Numbers.MeanBestCorrelation.Select(v => v.Multi).ShouldBe([1, 2, 4]);
        ImagesOverRealizationClaim.Judge([runs[0], runs[1] with { BestCorrPerTeacher = [0.5, 0.5, 0.5] }], "test").Verdict.ShouldBe(Verdict.Fails, "equal is not raised");
        ImagesOverRealizationClaim.Judge([runs[0]], "test").Reason!.ShouldContain("two multis");
    }

    // ---- the evidence handed to claims 5 and 6 ----

    [Test]
    public void Sweeps_PairRunsThatDifferOnlyInMulti_AndReadTheEarlyLoss()
    {
        var runs = new[]
        {
            Run(seed: 1, multi: 2, end: Covering(3, 3), evalLoss: [0.9, 0.3, 0.1], earlyEpoch: 2),
            Run(seed: 1, multi: 1, end: Covering(3, 1), evalLoss: [0.9, 0.5, 0.2], earlyEpoch: 2),
            Run(seed: 2, multi: 1, evalLoss: [1.0, 1.0, 1.0], earlyEpoch: 2),          // alone: no other multi
            Run(seed: 1, decay: 0, multi: 3, evalLoss: [1.0, 1.0, 1.0], earlyEpoch: 2), // another p: another series, alone
        };
        var series = SweepEvidence.Widths(runs);
        series.Length.ShouldBe(1);
        series[0].Widths.Select(w => (w.Multi, w.Coverage, w.Loss)).ShouldBe([(1, 1.0 / 3, 0.5), (2, 1.0, 0.3)], "by growing multi; loss after the early epoch");
        SweepEvidence.Seeds(runs).ShouldBe(2);
        SweepEvidence.Unusable(Array.Empty<TwoLayerRun>(), r => r.Outcome, r => r.Config).ShouldBe("no runs");
        SweepEvidence.Unusable(runs, r => r.Outcome, r => r.Config).ShouldBeNull();

        var timeline = SweepEvidence.Timelines([Run(firstCovered: [2, null, 1], evalLoss: [1.0, 1.0, 1.0, 1.0])])[0];
        timeline.FirstCoveredEpoch.ShouldBe([2, null, 1]);
        timeline.EpochsRun.ShouldBe(4);
        timeline.TeacherFanOutNorms.ShouldBe([1.0, 0.5, 1.0 / 3]);
    }

    // ---- the L-shape: claim 4 run by run ----

    static TwoLayerRun WithAnalysis(TwoLayerRun run, double spareFanOut)
    {
        var report = new Verify.Model.Analysis.SpecializationReport(1, new[,] { { 0.99, 0.1 } }, new double[1, 2], [1.0, spareFanOut], [1.0], new int[1, 2]);
        return run with { Analysis = new PairEvidence("run", report, new double[2, 1], [false, false], null, null, false, [true], 10, null) };
    }

    [Test]
    public void LShape_JudgesEveryRunByClaim4AtThePaperBudget_AndFailsOnOneRun()
    {
        var vanished = WithAnalysis(Run(multi: 2, m: 1), spareFanOut: 0.1);
        var kept = WithAnalysis(Run(multi: 2, m: 1), spareFanOut: 0.5);
        LShapeVerdict.NeitherShare(vanished).ShouldBe(0, "fan-out 0.1 is within 0.1 x the teacher's 1.0");
        LShapeVerdict.NeitherShare(kept).ShouldBe(0.5);
        LShapeVerdict.Judge([vanished, vanished]).Verdict.ShouldBe(Verdict.Holds);
        var outcome = LShapeVerdict.Judge([vanished, kept]);
        outcome.Verdict.ShouldBe(Verdict.Fails, "one run with half its nodes left over refutes it");
        outcome.Claim.ShouldBe(VanishingClaim.LShape);
        outcome.Cases.ShouldBe(new CaseCounts(2, 1, 1, 0));
        LShapeVerdict.Cases([kept], VanishingClaim.LShapeLeaky).Single().Claim.ShouldBe(VanishingClaim.LShapeLeaky);
        LShapeVerdict.Judge([kept], criteria: VanishingCriteria.AtPaperBudget with { MaxNeitherShare = 0.5 }).Verdict.ShouldBe(Verdict.Holds, "the criteria are passed on");
        Should.Throw<ArgumentException>(() => LShapeVerdict.Judge([])).Message.ShouldContain("No runs");

        var leaky = Activation.LeakyRelu(0.1);
        var leakyRun = WithAnalysis(Run(multi: 2, m: 1, activation: leaky, end: [0.99]), spareFanOut: 0.1);
        SweepClaims.Leaky([leakyRun]).Select(o => (o.Claim.Id, o.Verdict)).ShouldBe([("lshape.leaky", Verdict.Holds), ("leaky-strong-teachers", Verdict.Holds)]);
        var twoLayer = SweepClaims.TwoLayer([vanished], [Run(multi: 1)]);
        twoLayer.Select(o => o.Claim.Id).ShouldBe(["lshape", "strong-teachers-first", "over-realization-helps", "keeps-what-it-found", "convergence"]);
        twoLayer[2].Reason.ShouldBe("hypothesis missed: no runs that differ only in multi");
        SweepClaims.TwoLayer([vanished], [Run(multi: 1), Run(multi: 2)])[2].Claim.ShouldBe(OverRealizationClaim.Info);
        SweepClaims.TwoLayer([vanished], [Run(multi: 1), Run(multi: 2)])[2].Reason.ShouldBe("1 series, 5 needed for the sign test", "a paired series is judged");
    }
}
