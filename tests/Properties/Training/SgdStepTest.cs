using NUnit.Framework;
using Shouldly;
using TorchSharp;
using Verify.Model.Networks;
using Verify.Model.Training;
using Verify.TestSupport;
using Verify.Model.Runtime;
using static TorchSharp.torch;

namespace Verify.Properties.Training;

/// <summary>
/// The trainer's hand-written step is gradient descent on L = 1/(2B) sum_x ||f*(x) - f(x)||^2:
/// one full-batch step moves every weight (biases included) by -lr dL/dW, with dL/dW from autograd.
/// </summary>
[TestFixture]
public sealed class SgdStepTest
{
    public static readonly object[] Cases =
    [
        new object[] { Activation.Relu, new[] { 4 } },
        new object[] { Activation.LeakyRelu(0.2), new[] { 4 } },
        new object[] { Activation.Linear, new[] { 4 } },
        new object[] { Activation.Relu, new[] { 4, 3 } },
    ];

    [TestCaseSource(nameof(Cases))]
    public void OneStep_IsGradientDescentOnTheSquaredLoss(Activation activation, int[] widths)
    {
        const double lr = 0.05;
        for (var seed = 1L; seed <= 3; seed++)
        {
            var (stepped, expected, wrongRate) = StepAndReference(activation, widths, seed, lr);
            for (var l = 0; l < stepped.Length; l++)
            {
                using var s = stepped[l];
                using var e = expected[l];
                using var w = wrongRate[l];
                Numerics.RelativeError(s, e).ShouldBeLessThan(Tolerances.Float64Identity, $"layer {l + 1}, {activation}, widths [{string.Join(",", widths)}], seed {seed}");
                // Negative control: the same comparison against a step of twice the rate fails.
                Numerics.RelativeError(s, w).ShouldBeGreaterThan(1e3 * Tolerances.Float64Identity, $"layer {l + 1} control, seed {seed}");
            }
        }
    }

    /// <summary>Weights after one trainer step, W - lr dL/dW by autograd, and W - 2 lr dL/dW.</summary>
    static (Tensor[] Stepped, Tensor[] Expected, Tensor[] WrongRate) StepAndReference(Activation activation, int[] widths, long seed, double lr)
    {
        using var scope = NewDisposeScope();
        using var pair = Pair.Build(d: 5, teacherWidths: widths, multi: 2, samples: 40, seed: seed, activation: activation, initStd: 0.5);
        var leaves = pair.Student.Weights.Select(w => w.detach().clone().requires_grad_()).ToArray();
        var h = pair.Data.Inputs;
        for (var l = 0; l < leaves.Length - 1; l++) h = activation.Apply(RectifiedNetwork.Augment(h).mm(leaves[l]));
        var output = RectifiedNetwork.Augment(h).mm(leaves[^1]);
        var loss = (pair.Data.Targets - output).Squared().sum().Times(0.5 / pair.Data.Count);
        var grads = torch.autograd.grad([loss], leaves);

        SgdTrainer.Train(pair.Student, pair.Data, new SgdOptions { LearningRate = lr, BatchSize = null, Epochs = 1, ItersPerEpoch = 1 }, seed);

        var stepped = pair.Student.Weights.Select(w => w.detach().clone().MoveToOuterDisposeScope()).ToArray();
        var expected = leaves.Zip(grads, (w, g) => (w.detach() - g.Times(lr)).MoveToOuterDisposeScope()).ToArray();
        var wrong = leaves.Zip(grads, (w, g) => (w.detach() - g.Times(2 * lr)).MoveToOuterDisposeScope()).ToArray();
        return (stepped, expected, wrong);
    }
}
