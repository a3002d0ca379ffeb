using NUnit.Framework;
using Shouldly;
using TorchSharp;
using Verify.Model.Runtime;
using static TorchSharp.torch;

namespace Verify.Properties.Foundation;

/// <summary>libtorch loads in the test host and computes a forward and a backward pass.</summary>
[TestFixture]
public sealed class NativeLibraryTest
{
    [Test]
    public void LibTorchLoadsAndDifferentiates_ASmallQuadratic()
    {
        TorchRuntime.EnsureInitialized();
        using var scope = NewDisposeScope();
        // f(w) = 1/2 ||A w - b||^2 has gradient A^T (A w - b): autograd must reproduce it.
        var a = tensor(new double[,] { { 1, 2 }, { 3, 4 }, { 5, 6 } });
        var b = tensor(new[] { 1.0, -1.0, 0.5 });
        var w = tensor(new[] { 0.3, -0.7 }).requires_grad_();
        var loss = (a.mv(w) - b).Squared().sum().Times(0.5);
        loss.backward();
        var expected = a.t().mv(a.mv(w.detach()) - b);
        var error = (w.grad! - expected).abs().max().item<double>();
        error.ShouldBeLessThan(1e-12, $"autograd gradient {w.grad!.str()} differs from the analytic {expected.str()}");
        loss.item<double>().ShouldBe(0.5 * (a.mv(w.detach()) - b).Squared().sum().item<double>(), 1e-12);
    }

    [Test]
    public void AnUnknownDevice_IsRejectedWithItsName()
    {
        var error = Should.Throw<ArgumentException>(() => TorchRuntime.ResolveDevice("tpu"));
        error.Message.ShouldContain("'tpu'");
    }
}
