using NUnit.Framework;
using Shouldly;
using Verify.Model;
using Verify.Model.Claims;
using Verify.Model.Data;
using Verify.Model.Networks;
using Verify.Model.Training;
using Verify.TestSupport;
using static TorchSharp.torch;

namespace Verify.Properties.Claims;

/// <summary>
/// Known finding: three-layer ReLU students fit their 100-200 Gaussian points exactly, at a per-sample gradient of 1e-7
/// on every layer, without specializing a lowest-layer teacher node; leaky students do not (claim 1 holds for them).
/// The fresh ReLU cases of the run are gated like every claim (at least 16 conclusive, claims.json has their verdict),
/// and each failure is shown to be a stationary fit: finished on to every layer's gradient 1e-7, it still fails with
/// the same best correlation. At run seed 2020, 6 of 16 conclusive ReLU cases failed (leaky: 0 of 16); in 3 of the 6
/// a teacher node of layer 2 is dead on every training point, and in one of these the failing lowest-layer teacher
/// node feeds only that dead node (its fan-out strength E_x[beta*_jj] through the teacher's layers is 0: the outputs do not
/// see it); in the others the failing node reaches the outputs only through layer-2 nodes active on part of the data
/// (docs/theorems/01). A leaky node is never closed, so every region of the data reaches the outputs.
/// The case found first, while choosing three-layer cases (teacher [3-2-2-5], multi 3, N 100, pinned streams 3, 4, 5,
/// 6), is pinned: gradient descent stalled with teacher 0 at best rho 0.939-0.940 (gradient 1e-2 and 3e-3, loss 1.8e-6),
/// and it was open whether it was unfinished. Settled: the finisher takes it in 13 trial steps to loss 1.9e-16 and every
/// layer's max per-sample gradient 1.3e-7 (the lowest layer's 2.7e-8), moving the weights 3.05 (93% of their norm), and
/// teacher 0's best node is then at rho 0.948, cos 0.973: below tau. The node is 13 degrees off teacher 0's hyperplane,
/// on its other side at 5 of the 100 points, and a pair of mirrored nodes makes up the difference on the data; off the
/// data the fit is not exact (loss 7.8e-7 on 10,000 fresh points). The tests fail when a pinned case specializes or a
/// fresh failure turns out to be unfinished.
/// </summary>
[TestFixture, Category("Finding")]
public sealed class ThreeLayerReluFitWithoutSpecializationFindingTest
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
    /// The fresh three-layer ReLU cases of the run: gated (at least 16 conclusive, each with its failure-rate bound, the
    /// verdict in claims.json), and every failing case a stationary fit: finished on to every layer's gradient 1e-7 it
    /// fails again, its best correlation within 0.01 of the judged one.
    /// </summary>
    [Test, Judges("lowest-layer-specialization.relu.three-layer.paper")]
    public void TheFreshReluCases_AreGated_AndEveryFailureIsAStationaryFit() => GatedAndStationary(ClaimRuns.Fresh, "three-layer", new TheoremCheckSettings());

    /// <summary>The Nightly tier: three and four layers, at least 100 conclusive ReLU cases each.</summary>
    [TestCase("three-layer"), TestCase("four-layer"), Category("Nightly")]
    [Judges("lowest-layer-specialization.relu.four-layer.paper")]
    public void TheFreshReluCases_AreGated_AndEveryFailureIsAStationaryFit_Nightly(string family) => GatedAndStationary(ClaimRuns.FreshNightly, family, ClaimRuns.NightlySettings);

    static void GatedAndStationary(TheoremCheckResult run, string family, TheoremCheckSettings settings)
    {
        var claim = ClaimRuns.Claim(LowestLayerSpecializationClaim.Info, "relu", family, Reading.Paper);
        var outcome = run.Outcome(claim);
        ClaimRuns.Print(run, claim, outcome);
        outcome.Cases!.Conclusive.ShouldBeGreaterThanOrEqualTo(settings.MinConclusive, $"{outcome}; replay: {RunSeed.Replay}");
        var failures = run.CasesOf(claim).Where(c => c.Outcome.Verdict == Verdict.Fails).ToArray();
        var settled = Verify.Model.Training.TrialRunner.RunAll(failures, c => Settle(c.Problem, settings));
        foreach (var (c, later) in failures.Zip(settled))
        {
            TestContext.Out.WriteLine($"settled: {later}");
            later.Verdict.ShouldBe(Verdict.Fails, $"a failure of {c.Problem} that specializes when finished on was unfinished: {later}; replay: {RunSeed.Replay}");
            later.Numbers.MinBestCorrelation.ShouldBe(((ClaimOutcome<DeepSpecializationNumbers>)c.Outcome).Numbers.MinBestCorrelation, 0.01, $"a stationary fit: {later}");
        }
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
