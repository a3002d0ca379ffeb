using NUnit.Framework;
using Shouldly;
using Verify.Model.Claims;
using Verify.Model.Evidence;
using Verify.Model.Networks;
using Verify.Model.Training;
using static Verify.Properties.Claims.ExperimentRuns;

namespace Verify.Properties.Claims;

/// <summary>What each sweep verdict says in the report, and the rules it reads.</summary>
[TestFixture]
public sealed class SweepVerdictsContractsTest
{
    [Test]
    public void SweepVerdicts_SayWhatTheyMeasured_AndReadTheirRules()
    {
        // Keeps: the worst group is the one with the smallest gain, not the smallest rates.
        var flat = Run(decay: 1, multi: 1, end: Covering(3, 0), early: Covering(3, 0), evalLoss: new double[8], earlyEpoch: 5);
        var losing = Run(decay: 2, multi: 2, end: Covering(3, 2), early: Covering(3, 3), evalLoss: new double[8], earlyEpoch: 5);
        var keeps = KeepsWhatItFoundClaim.Judge([flat, losing]);
        (keeps.Numbers.WorstDecay, keeps.Numbers.WorstMulti).ShouldBe((2.0, 2), "gain -1/3 at p 2, multi 2, though p 1, multi 1 has the lower rates");
        keeps.Evidence.ShouldContain("mean success rate after epoch 5:");
        var none = KeepsWhatItFoundClaim.Judge([]);
        (none.Evidence, none.ConclusionObserved).ShouldBe(("no runs.", false));

        // Teacher-aware data: the sentence names both kinds and every size; the gap's boundary is inclusive.
        var runs = new[]
        {
            Run(m: 5, nTrain: 10, data: TrainingData.TeacherAware, end: Covering(5, 3)), Run(m: 5, nTrain: 10, end: Covering(5, 2)),
            Run(m: 5, nTrain: 20, data: TrainingData.TeacherAware, end: Covering(5, 4)), Run(m: 5, nTrain: 20, end: Covering(5, 3)),
        };
        var aware = TeacherAwareDataClaim.Judge(runs);
        aware.Numbers.SmallNGap.ShouldBe(0.2, 1e-12);
        aware.Verdict.ShouldBe(Verdict.Holds, "a gap of exactly one teacher in five (0.6 - 0.4 in float64: 0.19999999999999996) is enough");
        var short1 = runs.Select((r, i) => i == 0 ? r with { BestCorrPerTeacher = [0.99, 0.99, 0.94, 0.5, 0.5] } : r).ToArray();
        TeacherAwareDataClaim.Judge(short1).Verdict.ShouldBe(Verdict.Fails, "one teacher less: gap 0");
        aware.Evidence.ShouldStartWith("mean coverage at tau 0.95 (teacher-aware vs Gaussian): N 10: 0.60 vs 0.40, N 20: 0.80 vs 0.60");
        var missing = TeacherAwareDataClaim.Judge(runs.Where(r => r.Config.TrainData == TrainingData.Gaussian).ToArray());
        (missing.Reason, missing.Evidence, missing.ConclusionObserved).ShouldBe(("hypothesis missed: needs runs of both kinds of data at the same sizes", "needs runs of both kinds of data at the same sizes.", false));
        var other = runs.Select(r => r.Config.TrainData == TrainingData.TeacherAware ? r with { Config = r.Config with { TrainData = TrainingData.TeacherAwareOfAnotherTeacher } } : r).ToArray();
        TeacherAwareDataClaim.Judge(other, TrainingData.TeacherAwareOfAnotherTeacher).Evidence.ShouldStartWith("mean coverage at tau 0.95 (TeacherAwareOfAnotherTeacher vs Gaussian): N 10:");
        var diverged = TeacherAwareDataClaim.Judge([.. runs[..3], runs[3] with { Outcome = TrainingOutcome.Diverged }]);
        diverged.Reason!.ShouldContain("diverged", Case.Insensitive, "an unusable run is named before the data kinds");

        // Multi-layer: one run has no spread; the ordering's boundary is inclusive; the sentence names each layer.
        var one = MultiLayerClaim.Judge([Deep([0.95, 0.97])]);
        one.Numbers.SdPerLayer.ShouldBe([0.0, 0.0], "one run has no spread");
        one.Verdict.ShouldBe(Verdict.Holds, "an upper layer exactly the slack above the lowest is allowed");
        one.Evidence.ShouldStartWith("mean over teacher nodes of the best eval correlation, per layer (lowest first; mean, sd and smallest over runs): layer 1: 0.950 (sd 0.000, min 0.950), layer 2: 0.970");
        var failed = MultiLayerClaim.Judge([Deep([0.95, 0.5], TrainingOutcome.Diverged)]);
        failed.ConclusionObserved.ShouldBe(false);
        failed.Evidence.ShouldBe(failed.Reason + ".");

        // Leaky strong teachers: any non-leaky run is refused; the sentence counts the runs.
        var leaky = Activation.LeakyRelu(0.1);
        Should.Throw<ArgumentException>(() => LeakyStrongTeachersClaim.Judge([Run(multi: 2, activation: leaky), Run(multi: 2)]));
        Should.Throw<ArgumentException>(() => LeakyStrongTeachersClaim.Judge([Run(multi: 2, activation: Activation.LeakyRelu(1))]), "slope 1 is linear, not leaky");
        var strong = LeakyStrongTeachersClaim.Judge([Run(m: 3, multi: 2, activation: leaky, end: Covering(3, 1))]);
        strong.Evidence.ShouldStartWith("1 of 1 over-realized runs cover every teacher of the strongest third; 1 seeds.");
        LeakyStrongTeachersClaim.Judge([Run(m: 3, multi: 2, activation: leaky, end: Covering(3, 1), outcome: TrainingOutcome.Diverged)]).Reason!.ShouldContain("diverged", Case.Insensitive);

        // Images: the mean over teacher nodes, then over runs; one multi is not enough; the sentence names the source.
        var images = ImagesOverRealizationClaim.Judge([Run(multi: 1, end: [0.2, 0.6, 0.4]), Run(multi: 1, end: [0.6, 0.6, 0.6]), Run(multi: 2, end: [0.9, 0.9, 0.9])], "cifar dir");
        images.Numbers.MeanBestCorrelation[0].Value.ShouldBe(0.5, 1e-12, "mean of 0.4 and 0.6");
        images.Evidence.ShouldBe("mean best eval correlation per teacher node: multi 1: 0.500, multi 2: 0.900; 1 seeds; inputs: cifar dir.");
        var single = ImagesOverRealizationClaim.Judge([Run(multi: 1, end: [0.2, 0.6, 0.4])], "x");
        (single.Verdict, single.ConclusionObserved).ShouldBe((Verdict.Inconclusive, false));
        ImagesOverRealizationClaim.Judge([Run(multi: 1), Run(multi: 2, outcome: TrainingOutcome.Diverged)], "x").Reason!.ShouldContain("diverged", Case.Insensitive);

        // The sweep's claims: no success runs leaves claims 5 and 6 unjudged, by name.
        var lshapeRun = WithAnalysis(Run(multi: 2, m: 1), spareFanOut: 0.1);
        var empty = SweepClaims.TwoLayer([lshapeRun], [], runSeed: 5);
        (empty[1].Verdict, empty[1].Reason).ShouldBe((Verdict.Inconclusive, "no runs"));
        (empty[2].Claim, empty[2].Verdict, empty[2].Reason).ShouldBe((StrongTeachersFirstByGradientClaim.Info, Verdict.Inconclusive, "no runs"));
        var oneWidth = SweepClaims.TwoLayer([lshapeRun], [Run(multi: 1, seed: 1), Run(multi: 1, seed: 2)], runSeed: 5);
        oneWidth[3].Reason.ShouldBe("hypothesis missed: no runs that differ only in multi", "two seeds of one width are no series");

        // L-shape: shares per multi in increasing multi; a run of multi 1 is never the worst run.
        var lshape = LShapeVerdict.Judge([WithWeakTeacher(0.05, matched: 1) with { Config = WithWeakTeacher(0.05, matched: 1).Config with { Multi = 4 } }, WithWeakTeacher(0.01, matched: 1)]);
        lshape.Evidence.ShouldStartWith("mean share of nodes that are neither specialized nor vanished: multi 2: 0.0 %, multi 4: 33.3 %;");
        LShapeVerdict.NeitherShare(WithWeakTeacher(0.05, matched: 0)).ShouldBe(0, "read at the paper's budget by default");
    }
}
