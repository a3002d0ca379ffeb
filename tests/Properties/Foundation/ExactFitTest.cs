using NUnit.Framework;
using Shouldly;
using TorchSharp;
using Verify.Model.Analysis;
using Verify.Model.Data;
using Verify.Model.Networks;
using Verify.Model.Theory;
using Verify.Model.Training;
using Verify.TestSupport;
using Verify.Model.Runtime;
using static TorchSharp.torch;

namespace Verify.Properties.Foundation;

/// <summary>
/// Claim 7: splitting each teacher node into positively scaled co-linear copies, with fan-outs that
/// add back to the teacher's and zero fan-out on extra nodes, is a global minimum: zero loss and
/// zero per-sample gradient. Negative control: perturbing one copy breaks both.
/// </summary>
[TestFixture]
public sealed class ExactFitTest
{
    [Test]
    public void SplitTeacherNodes_GiveZeroLossAndZeroPerSampleGradient([Values(1, 2, 3)] long seed, [Values(0.0, 0.1)] double leak)
    {
        using var scope = NewDisposeScope();
        var activation = leak == 0 ? Activation.Relu : Activation.LeakyRelu(leak);
        using var teacher = Teacher.Build(TeacherSpec.TwoLayer(8, 4, decay: 1, outputs: 6, activation: activation), Seeds.Of(seed, "teacher"));
        using var data = Dataset.Gaussian(teacher, 200, Seeds.Of(seed, "train-inputs"));
        using var student = ExactFit.Build(teacher, copies: 3, extraNodes: 5, seed: Seeds.Of(seed, "student"));

        var (loss, maxGrad) = SgdTrainer.Measure(student, data);
        loss.ShouldBeLessThan(Tolerances.Float64Zero, $"seed {seed}, {activation}: exact-fit loss");
        maxGrad.ShouldBeLessThan(Tolerances.Float64Zero, $"seed {seed}, {activation}: exact-fit max per-sample gradient");
        LowestLayerSignal.Norms(teacher, student, data.Inputs).Max.ShouldBeLessThan(Tolerances.Float64Zero, "closed-form signal agrees");
    }

    [Test]
    public void PerturbingOneCopy_BreaksTheFit([Values(1, 2, 3)] long seed)
    {
        using var scope = NewDisposeScope();
        using var teacher = Teacher.Build(TeacherSpec.TwoLayer(8, 4, decay: 1, outputs: 6), Seeds.Of(seed, "teacher"));
        using var data = Dataset.Gaussian(teacher, 200, Seeds.Of(seed, "train-inputs"));
        using var student = ExactFit.Build(teacher, copies: 3, extraNodes: 5, seed: Seeds.Of(seed, "student"));
        using (no_grad())
            student.Weights[0][.., 0].Plus_(tensor(new double[teacher.InputDim + 1].Select((_, i) => 0.05 * Math.Cos(i)).ToArray()));

        var (loss, maxGrad) = SgdTrainer.Measure(student, data);
        loss.ShouldBeGreaterThan(1e3 * Tolerances.Float64Zero, $"seed {seed}: a perturbed copy must leave a residual");
        maxGrad.ShouldBeGreaterThan(1e3 * Tolerances.Float64Zero, $"seed {seed}: a perturbed copy must leave a per-sample gradient");
    }
}
