using NUnit.Framework;
using Shouldly;
using Verify.Model;
using Verify.Model.Claims;
using Verify.Model.Data;
using Verify.Model.Evidence;
using Verify.Model.Networks;
using Verify.Model.Protocols;
using Verify.Model.Training;
using Verify.TestSupport;
using static TorchSharp.torch;
using Verify.Conjectures;

namespace Verify.Properties.Claims;

/// <summary>
/// Known finding: claim 1 at depth fails on the small deep problems. Three-layer students, ReLU and leaky, fit their
/// 100-200 Gaussian points exactly, at a per-sample gradient of 1e-7 on every layer, without specializing a
/// lowest-layer teacher node. The fresh cases of the run are gated like every claim (at least 16 conclusive per
/// activation, claims.json has their verdicts), and each failure is shown to be a stationary fit: finished on to every
/// layer's gradient 1e-7, it fails again with the same best correlation. Measured: at run seed 2020, ReLU 6 of 16
/// conclusive cases fail and leaky 0 of 16; at run seed 918947289, leaky 3 of 16. Why (docs/theorems/01): ReLU teachers
/// whose layer-2 nodes are closed on all or part of the data (a lowest-layer node the outputs see on a few points, or
/// not at all), teachers that can be written without some of their nodes (the student computes them on fresh points to
/// loss 5e-17 without nodes 0 and 1), and data too sparse to pin a hyperplane (two of the failing cases specialize with
/// five times the points, others do not).
/// The case found first, while choosing three-layer cases (teacher [3-2-2-5], ReLU, multi 3, N 100, pinned streams 3,
/// 4, 5, 6), is pinned: gradient descent stalled with teacher 0 at best rho 0.939-0.940 (gradient 1e-2 and 3e-3, loss
/// 1.8e-6), and it was open whether it was unfinished. Settled: the finisher takes it in 13 trial steps to loss 1.9e-16
/// and every layer's max per-sample gradient 1.3e-7 (the lowest layer's 2.7e-8), moving the weights 3.05 (93% of their
/// norm), and teacher 0's best node is then at rho 0.948, cos 0.973: below tau. The node is 13 degrees off teacher 0's
/// hyperplane, on its other side at 5 of the 100 points, and a pair of mirrored nodes makes up the difference on the
/// data; off the data the fit is not exact (loss 7.8e-7 on 10,000 fresh points). The tests fail when the pinned case
/// specializes or a fresh failure turns out to be unfinished.
/// </summary>
[TestFixture, Category("Finding")]
public sealed class ThreeLayerFitWithoutSpecializationFindingTest
{
    [Test]
    public void TheStalledReluCase_FinishedToAnExactFit_LeavesTeacherZeroBelowTau()
    {
        using var scope = NewDisposeScope();
        var descent = new TheoremCheckSettings().DeepBudget with { GradientTarget = 3e-3, Epochs = 400 };
        using var pair = ClaimRuns.Train(new TeacherSpec(3, [2, 2], 5), 3, 100, CaseStreams.Pinned(3, 4, 5, 6), descent);
        var stalled = LowestLayerSpecializationClaim.Judge(pair.Evidence(), SpecializationCriteria.Paper);
        TestContext.Out.WriteLine(stalled);

        var finish = Finisher.Finish(pair.Student, pair.Data, new FinishOptions { GradientTarget = 1e-6, EveryLayer = true }, pair.Training);
        TestContext.Out.WriteLine(finish);
        var evidence = DeepPairEvidence.Measure(pair.Teacher, pair.Student, pair.Data, PairEvidence.Measure(pair.Teacher, pair.Student, pair.Data.Inputs, finish.Training, "the stalled case, finished"), null);
        var outcome = LowestLayerSpecializationClaim.Judge(evidence, SpecializationCriteria.Paper, maxGradient: 1e-6);
        TestContext.Out.WriteLine(outcome);

        stalled.Numbers.MinBestCorrelation.ShouldBeInRange(0.9, Rules.Tau, "the stall as it was found: " + stalled);
        finish.Reached.ShouldBeTrue(finish.ToString());
        finish.After.Loss.ShouldBeLessThan(1e-12, "an exact fit of the 100 points: " + finish);
        outcome.Verdict.ShouldBe(Verdict.Fails, "the finding: at every layer's gradient 1e-6 teacher 0 is still unspecialized: " + outcome);
        outcome.Numbers.MinBestCorrelation.ShouldBeInRange(0.9, Rules.Tau, outcome.ToString());
        outcome.Numbers.MinBestCosine.ShouldBeGreaterThan(Rules.AlignedCosine, "the node is near teacher 0's hyperplane, not on it: " + outcome);

        // Why: the data do not pin the node's hyperplane, and off the data the fit is not exact.
        using var trace = pair.Teacher.Trace(pair.Data.Inputs);
        using var student = pair.Student.Trace(pair.Data.Inputs);
        var best = evidence.Lowest.Report.BestStudentPerTeacher[0];
        var teacherSide = RectifiedNetwork.ToArray(trace.PreActivations[0]);
        var nodeSide = RectifiedNetwork.ToArray(student.PreActivations[0]);
        var otherSide = Enumerable.Range(0, pair.Data.Count).Count(i => Math.Sign(teacherSide[i, 0]) != Math.Sign(nodeSide[i, best]));
        TestContext.Out.WriteLine($"node {best} is on the other side of teacher 0's hyperplane at {otherSide} of {pair.Data.Count} points");
        otherSide.ShouldBeInRange(1, 10, "a few points between the two hyperplanes");
        using var fresh = Dataset.Gaussian(pair.Teacher, 10_000, 99);
        var (freshLoss, _) = SgdTrainer.Measure(pair.Student, fresh);
        TestContext.Out.WriteLine($"loss on 10,000 fresh points {freshLoss:G3}, on the training points {finish.After.Loss:G3}");
        freshLoss.ShouldBeGreaterThan(1e4 * finish.After.Loss, "exact on the data only");
    }

    /// <summary>
    /// The smallest deep counterexample `verify hunt lowest-layer-specialization.deep` found (rules 2026-12-06.6, hunt seed
    /// 2020, docs/theorems/hunt.md): a three-layer ReLU case the guided search reached from a four-layer failure, shrunk by the
    /// hunt to d 3, teacher [2-2-5], multi 2, 40 Gaussian points. Judged as the theorem checks judge it (descent, then the
    /// finisher to every layer's gradient 1e-4), teacher 1 is left at best rho 0.86; finished on to 1e-7 it stays so: a
    /// stationary fit of few points. Replay: verify hunt lowest-layer-specialization.deep --reading paper --replay
    /// three-layer:d=3,m=2+2,leak=0,p=0,multi=2,data=gaussian,n=40,batch=none,outputs=5,seed=8671188426088214372
    /// </summary>
    [Test]
    public void TheHuntsSmallestDeepCounterexample_IsAStationaryFitWithoutSpecialization()
    {
        var p = new SmallProblem(3, [2, 2], 0, 0, 2, 40, 8671188426088214372);
        var settings = new TheoremCheckSettings();
        var judged = TheoremChecks.JudgeDeepCase(p, CaseFamily.ThreeLayer, settings);
        TestContext.Out.WriteLine(judged);
        judged.Verdict.ShouldBe(Verdict.Fails, judged.ToString());
        judged.Numbers.MinBestCorrelation.ShouldBeLessThan(0.9, judged.ToString());

        var settled = Settle(p, settings);
        TestContext.Out.WriteLine($"settled: {settled}");
        settled.Verdict.ShouldBe(Verdict.Fails, "finished on to every layer's gradient 1e-7 it still fails: " + settled);
        settled.Numbers.MinBestCorrelation.ShouldBe(judged.Numbers.MinBestCorrelation, 0.01, "a stationary fit (this case: 0.860 -> 0.859): " + settled);
    }

    /// <summary>
    /// The fresh three-layer cases of the run, per activation: gated (at least 16 conclusive, each with its failure-rate
    /// bound, the verdict in claims.json), and no failing case unfinished: finished on to every layer's gradient 1e-7,
    /// none specializes. The Nightly run of rules 2026-12-06.6 (run seed 3858838185) showed why "stationary" is not
    /// asserted as "the same best correlation": of its 25 three-layer failures, one ReLU case moved 15% further and its
    /// unmatched teacher went from rho 0.344 to 0.303 (still failing), and one leaky case could not be finished below
    /// 3.1e-6 within 400 trial steps (neither confirmed nor refuted; printed).
    /// </summary>
    [TestCase("relu"), TestCase("leaky")]
    [Judges("lowest-layer-specialization.relu.three-layer.paper"), Judges("lowest-layer-specialization.leaky.three-layer.paper")]
    public void TheFreshCases_AreGated_AndNoFailureIsUnfinished(string activation) =>
        GatedAndNotUnfinished(ClaimRuns.Fresh, activation, "three-layer", new TheoremCheckSettings(), requireCount: true);

    /// <summary>
    /// The Nightly tier: three layers gated at 100 conclusive cases per activation; four layers judged with the same
    /// cap of draws, where a refuted claim needs no count (one failure refutes a universal claim) but a claim that holds
    /// does. Measured at run seed 3858838185: four-layer students reach the level in 89 of 800 ReLU draws and 13 of 800
    /// leaky ones, so 100 conclusive four-layer cases would need about 900 and 6,000 draws.
    /// </summary>
    [TestCase("relu", "three-layer"), TestCase("leaky", "three-layer"), TestCase("relu", "four-layer"), TestCase("leaky", "four-layer"), Category("Nightly")]
    [Judges("lowest-layer-specialization.relu.four-layer.paper"), Judges("lowest-layer-specialization.leaky.four-layer.paper")]
    public void TheFreshCases_AreGated_AndNoFailureIsUnfinished_Nightly(string activation, string family) =>
        GatedAndNotUnfinished(ClaimRuns.FreshNightly, activation, family, ClaimRuns.NightlySettings, requireCount: family == CaseFamily.ThreeLayer.Name);

    static void GatedAndNotUnfinished(TheoremCheckResult run, string activation, string family, TheoremCheckSettings settings, bool requireCount)
    {
        var claim = ClaimRuns.Claim(LowestLayerSpecializationClaim.Info, activation, family, Reading.Paper);
        var outcome = run.Outcome(claim);
        ClaimRuns.Print(run, claim, outcome);
        if (requireCount || outcome.Verdict != Verdict.Fails)
            outcome.Cases!.Conclusive.ShouldBeGreaterThanOrEqualTo(settings.MinConclusive, $"{outcome}; replay: {RunSeed.Replay}");
        var failures = run.CasesOf(claim).Where(c => c.Outcome.Verdict == Verdict.Fails).ToArray();
        var settled = Verify.Model.Training.TrialRunner.RunAll(failures, c => Settle(c.Problem, settings));
        foreach (var (c, later) in failures.Zip(settled))
        {
            var before = ((ClaimOutcome<DeepSpecializationNumbers>)c.Outcome).Numbers.MinBestCorrelation;
            TestContext.Out.WriteLine(FormattableString.Invariant($"settled ({later.Verdict}, min best rho {before:0.####} -> {later.Numbers.MinBestCorrelation:0.####}): {later}"));
            later.Verdict.ShouldNotBe(Verdict.Holds, $"a failure of {c.Problem} that specializes when finished on was unfinished: {later}; replay: {RunSeed.Replay}");
        }
        TestContext.Out.WriteLine(FormattableString.Invariant(
            $"{claim.Id}: {failures.Length} failures, finished on to 1e-7: {settled.Count(o => o.Verdict == Verdict.Fails)} fail again ({failures.Zip(settled).Count(x => x.Second.Verdict == Verdict.Fails && Math.Abs(x.Second.Numbers.MinBestCorrelation - ((ClaimOutcome<DeepSpecializationNumbers>)x.First.Outcome).Numbers.MinBestCorrelation) <= 0.01)} with the same best correlation within 0.01), {settled.Count(o => o.Verdict == Verdict.Inconclusive)} not finished below 1e-6"));
    }

    /// <summary>Trains a case as the run did, finishes it on to every layer's gradient 1e-7 and judges it at 1e-6.</summary>
    static ClaimOutcome<DeepSpecializationNumbers> Settle(SmallProblem p, TheoremCheckSettings settings)
    {
        using var scope = NewDisposeScope();
        using var trained = p.Train(settings.DeepBudget, finish: settings.DeepFinish);
        var more = Finisher.Finish(trained.Student, trained.Data, new FinishOptions { GradientTarget = 1e-7, EveryLayer = true, MaxIterations = 400 }, trained.Training);
        var evidence = DeepPairEvidence.Measure(trained.Teacher, trained.Student, trained.Data,
            PairEvidence.Measure(trained.Teacher, trained.Student, trained.Data.Inputs, more.Training, $"{p}, finished on: {more}"), null);
        return LowestLayerSpecializationClaim.Judge(evidence, SpecializationCriteria.Paper, maxGradient: 1e-6);
    }
}
