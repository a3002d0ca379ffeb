using NUnit.Framework;
using Shouldly;
using Verify.Model.Analysis;
using Verify.Model.Data;
using Verify.Model.Networks;
using Verify.Model.Runtime;
using Verify.Model.Training;
using static TorchSharp.torch;

namespace Verify.Properties.Foundation;

/// <summary>
/// Losses in runs.jsonl, figures and reports are on the paper's axis: the mean squared error over
/// samples and outputs, as the authors' code reports it. A student that is the teacher with its two
/// output biases moved by 0.5 and 1.5 misses every sample by exactly those amounts, so its error is
/// (0.5^2 + 1.5^2) / 2 = 1.25 whatever the data; the training objective 1/2 E||f* - f||^2 of the
/// same pair is 1.25 too, and 2 * objective / c maps one onto the other.
/// </summary>
[TestFixture]
public sealed class LossAxisTest
{
    [Test]
    public void AStudentOffByKnownAmounts_HasTheMeanSquaredErrorComputedByHand()
    {
        using var scope = NewDisposeScope();
        using var teacher = Teacher.Build(TeacherSpec.TwoLayer(5, 3, outputs: 2), Seeds.Of(3, "teacher"));
        var weights = teacher.Weights.Select(w => w.clone()).ToArray();
        weights[^1][-1, 0] = weights[^1][-1, 0].Plus(0.5);
        weights[^1][-1, 1] = weights[^1][-1, 1].Plus(1.5);
        using var student = new RectifiedNetwork(weights, teacher.Activation, "shifted teacher");
        using var data = Dataset.Gaussian(teacher, 100, Seeds.Of(3, "train-inputs"));

        var mse = Losses.MeanSquaredError(student, data);
        var objective = SgdTrainer.Measure(student, data).Loss;

        mse.ShouldBe(1.25, 1e-12, "mean over 100 samples and 2 outputs of (0.5^2, 1.5^2)");
        objective.ShouldBe(1.25, 1e-12, "1/2 of the per-sample sum 0.25 + 2.25");
        Losses.FromObjective(objective, outputs: 2).ShouldBe(mse, 1e-12);
    }

    [Test]
    public void ThePaperAxis_IsBelowTheObjective_ByHalfTheOutputCount()
    {
        // At the paper's 50 outputs the objective is 25 times the mean squared error (1.4 decades).
        Losses.FromObjective(25.0, outputs: 50).ShouldBe(1.0);
        Should.Throw<ArgumentOutOfRangeException>(() => Losses.FromObjective(1.0, outputs: 0)).Message.ShouldContain("Output count");
    }
}
