using NUnit.Framework;
using Shouldly;
using Verify.Model.Data;
using Verify.Model.Networks;
using Verify.Model.Runtime;
using Verify.Model.Training;
using Verify.TestSupport;
using static TorchSharp.torch;

namespace Verify.Properties.Training;

/// <summary>
/// The trainer reads training numbers to the host as <see cref="LossReads"/> says, counted by
/// <see cref="LossReads.HostReads"/>: on the CPU every step's losses (a read there is free), on a
/// device once per epoch (k = iterations per epoch), plus one read per end-of-epoch measurement. The
/// device's way runs here on the CPU (<see cref="LossReads.AsOnADevice"/>), and ends every trial, a
/// diverging one included, as reading every step does.
/// </summary>
[TestFixture]
public sealed class HostReadsTest
{
    const int Epochs = 3, Iters = 40;

    static SgdOptions Options(bool everyEpoch = true, double rate = 0.05) =>
        new() { LearningRate = rate, BatchSize = 8, Epochs = Epochs, ItersPerEpoch = Iters, MeasureEveryEpoch = everyEpoch };

    [Test]
    public void OnTheCpu_EveryStepsLossesAreRead_AndEachMeasurement()
    {
        var (_, reads) = Train(asOnADevice: false, Options(), trials: 1);
        reads.ShouldBe(Epochs * Iters + Epochs, $"{Epochs} epochs of {Iters} steps, one read a step, and {Epochs} measurements");
    }

    [Test]
    public void AsOnADevice_LossesAreReadOncePerEpoch([Values(1, 3)] int trials, [Values(true, false)] bool everyEpoch)
    {
        var (_, reads) = Train(asOnADevice: true, Options(everyEpoch), trials);
        var measurements = (everyEpoch ? Epochs : 1) * trials;
        reads.ShouldBe(Epochs + measurements, $"{trials} trial(s): one read of the losses per epoch and {measurements} measurement(s)");
    }

    [Test]
    public void AsOnADevice_EveryTrialEndsAsWhenEveryStepIsRead([Values(0.05, 40.0)] double rate)
    {
        var (everyStep, _) = Train(asOnADevice: false, Options(rate: rate), trials: 3);
        var (perEpoch, _) = Train(asOnADevice: true, Options(rate: rate), trials: 3);
        for (var t = 0; t < everyStep.Length; t++)
        {
            var (a, b) = (everyStep[t], perEpoch[t]);
            var what = $"lr {rate}, trial {t}: read once per epoch vs every step";
            b.Outcome.ShouldBe(a.Outcome, what);
            b.Steps.ShouldBe(a.Steps, what);
            b.DivergedAtStep.ShouldBe(a.DivergedAtStep, what);
            b.EpochsRun.ShouldBe(a.EpochsRun, what);
            if (a.LastFiniteLoss is { } last) b.LastFiniteLoss!.Value.ShouldBe(last, Math.Abs(last) * Tolerances.Float64Identity, what);
            if (!a.Diverged) b.FinalTrainLoss.ShouldBe(a.FinalTrainLoss, a.FinalTrainLoss * Tolerances.Float64Identity, what);
        }
        if (rate > 1) everyStep.ShouldContain(r => r.Diverged, "the large rate must make some trial diverge, or the comparison of a divergence checks nothing");
        else everyStep.ShouldAllBe(r => !r.Diverged);
    }

    [Test]
    public void TheWindow_IsOneStepOnTheCpu_AndTheEpochOnADevice()
    {
        LossReads.Window(CPU, 50).ShouldBe(1);
        using (LossReads.AsOnADevice())
            LossReads.Window(CPU, 50).ShouldBe(50);
        LossReads.Window(CPU, 50).ShouldBe(1, "the scope ends with its using");
        Should.Throw<ArgumentOutOfRangeException>(() => LossReads.Window(CPU, 0)).Message.ShouldContain("Iterations per epoch");
    }

    /// <summary>Trains <paramref name="trials"/> students (a stack) on one teacher's data; the results and the host reads counted.</summary>
    static (TrainingResult[] Results, long Reads) Train(bool asOnADevice, SgdOptions options, int trials)
    {
        using var scope = NewDisposeScope();
        using var teacher = Teacher.Build(TeacherSpec.TwoLayer(6, 3, 1, 2), Seeds.Of(7, "teacher"));
        using var data = Dataset.Gaussian(teacher, 64, Seeds.Of(7, "train-inputs"));
        var students = Enumerable.Range(0, trials).Select(t => Student.OverRealized(teacher, 2, Seeds.Of(7, "student", t))).ToArray();
        try
        {
            var before = LossReads.HostReads;
            TrainingResult[] results;
            using (asOnADevice ? LossReads.AsOnADevice() : null)
                results = SgdTrainer.Train(students.Select((s, t) => new Trial(s, data, options, Seeds.Of(7, "batches", t))).ToArray());
            return (results, LossReads.HostReads - before);
        }
        finally
        {
            foreach (var s in students) s.Dispose();
        }
    }
}
