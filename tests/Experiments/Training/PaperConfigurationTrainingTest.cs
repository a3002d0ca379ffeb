using System.Globalization;
using NUnit.Framework;
using Shouldly;
using TorchSharp;
using Verify.Model.Data;
using Verify.Model.Networks;
using Verify.Model.Runtime;
using Verify.Model.Training;
using static TorchSharp.torch;

namespace Verify.Experiments.Training;

/// <summary>
/// The paper's two-layer configuration (d = 100, m = 10, multi = 5, batch 16, lr 0.01, 50 outputs,
/// N = 10,000) trains: the training loss falls epoch after epoch. A short budget (5 epochs of 1,000
/// steps) keeps it in the default run.
/// </summary>
[TestFixture]
public sealed class PaperConfigurationTrainingTest
{
    [Test]
    public void TrainingLossFalls_InThePaperTwoLayerConfiguration([Values(1L)] long seed)
    {
        using var scope = NewDisposeScope();
        using var teacher = Teacher.Build(TeacherSpec.TwoLayer(d: 100, m: 10), Seeds.Of(seed, "teacher"));
        using var train = Dataset.Gaussian(teacher, 10_000, Seeds.Of(seed, "train-inputs"));
        using var student = Student.OverRealized(teacher, multi: 5, Seeds.Of(seed, "student"));
        var (initialLoss, _) = SgdTrainer.Measure(student, train);

        var result = SgdTrainer.Train(student, train, SgdOptions.Paper with { Epochs = 5 }, Seeds.Of(seed, "batches"));

        result.Outcome.ShouldBe(TrainingOutcome.BudgetExhausted, $"seed {seed}: {result}");
        var losses = result.History.Select(e => e.TrainLoss).ToArray();
        for (var e = 1; e < losses.Length; e++)
            losses[e].ShouldBeLessThan(losses[e - 1], $"seed {seed}: loss per epoch {string.Join(", ", losses.Select(l => l.ToString("G4", CultureInfo.InvariantCulture)))}");
        losses[^1].ShouldBeLessThan(0.5 * initialLoss, $"seed {seed}: initial loss {initialLoss:G4}, after 5 epochs {losses[^1]:G4}");
    }

    [Test]
    public void ADivergingRun_StopsAtOnceAndReportsTheStep()
    {
        using var scope = NewDisposeScope();
        using var teacher = Teacher.Build(TeacherSpec.TwoLayer(d: 20, m: 4), 1);
        using var train = Dataset.Gaussian(teacher, 500, 2);
        using var student = Student.OverRealized(teacher, multi: 2, 3, initStd: 1.0);

        var result = SgdTrainer.Train(student, train, new SgdOptions { LearningRate = 50, Epochs = 100, ItersPerEpoch = 1000 }, 4);

        result.Outcome.ShouldBe(TrainingOutcome.Diverged);
        result.DivergedAtStep.ShouldNotBeNull().ShouldBeLessThan(1000L, "divergence must stop the run at once, not at the end of the budget");
        double.IsFinite(result.LastFiniteLoss!.Value).ShouldBeTrue(result.ToString());
    }
}
