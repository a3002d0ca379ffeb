using System.Reflection;
using System.Reflection.Emit;
using System.Xml.Linq;
using NUnit.Framework;
using Shouldly;
using TorchSharp;
using Verify.Model.Runtime;
using Verify.TestSupport;
using static TorchSharp.torch;

namespace Verify.Properties.Reliability;

/// <summary>
/// No code of the repository lets TorchSharp create a native handle that nobody owns. A C# number
/// passed where TorchSharp takes a <c>Scalar</c> becomes a temporary that the garbage collector may
/// free while libtorch still reads it (a c10 "toDouble" error, one default run in seven before this
/// check); <see cref="Scalars"/> is the one way numbers reach TorchSharp.
/// </summary>
[TestFixture]
public sealed class ImplicitScalarTest
{
    static readonly Lazy<ImplicitScalarScan> Scan = new(ImplicitScalarScan.ForTorchSharp);

    [Test]
    public void NoAssemblyOfTheRepository_PassesANumberWhereTorchSharpMakesATemporaryHandle()
    {
        var assemblies = RepositoryAssemblies();
        var calls = assemblies.SelectMany(Scan.Value.Scan).ToList();
        TestContext.Out.WriteLine($"scanned {assemblies.Count} assemblies against {Scan.Value.HazardousMembers.Count} hazardous TorchSharp members: {calls.Count} call(s)");
        calls.ShouldBeEmpty(
            "each call below makes TorchSharp create a Scalar or Tensor handle that only a finalizer frees; " +
            "pass the number through Verify.Model.Runtime.Scalars instead:\n" + string.Join("\n", calls));
    }

    [Test]
    public void TheScan_NamesEveryImplicitHandlePlantedInACompiledMethod()
    {
        var image = PlantedAssembly();
        var calls = Scan.Value.Scan(image, "Planted.dll");
        calls.Select(c => c.Callee).ShouldBe(
            [
                "TorchSharp.Scalar::op_Implicit(System.Double)",
                "TorchSharp.torch/Tensor::op_Multiply(TorchSharp.torch/Tensor, System.Double)",
                "TorchSharp.torch/nn/functional::leaky_relu(TorchSharp.torch/Tensor, System.Double, System.Boolean)",
                "TorchSharp.torch/Tensor::op_Implicit(System.Double)",
                "TorchSharp.torch/Tensor::op_Addition(TorchSharp.torch/Tensor, TorchSharp.torch/Tensor)",
            ],
            ignoreOrder: true,
            customMessage: "the four planted conversions and the tensor sum (TorchSharp adds with an implicit alpha of 1), not the call through Scalars");
        calls.ShouldAllBe(c => c.Caller == "Planted.Unsafe", "the planted calls sit in Planted.Unsafe; Planted.Safe goes through Scalars");
    }

    [Test]
    public void TorchSharpsOwnIL_MarksOperatorsWithNumbersAndNotThoseWithScalars()
    {
        var hazards = Scan.Value.HazardousMembers;
        hazards.ShouldContain("TorchSharp.torch/Tensor::op_Addition(TorchSharp.torch/Tensor, System.Double)");
        hazards.ShouldContain("TorchSharp.torch/Tensor::op_Subtraction(System.Double, TorchSharp.torch/Tensor)");
        hazards.ShouldNotContain("TorchSharp.torch/Tensor::mul_(TorchSharp.Scalar)");
        hazards.ShouldNotContain("TorchSharp.torch/Tensor::op_Multiply(TorchSharp.torch/Tensor, TorchSharp.torch/Tensor)");
    }

    /// <summary>A compiled assembly with one method that makes each kind of implicit handle and one that does not.</summary>
    static MemoryStream PlantedAssembly()
    {
        var builder = new PersistedAssemblyBuilder(new AssemblyName("Planted"), typeof(object).Assembly);
        var module = builder.DefineDynamicModule("Planted");
        var type = module.DefineType("Planted", TypeAttributes.Public | TypeAttributes.Class | TypeAttributes.Abstract | TypeAttributes.Sealed);

        var unsafeMethod = type.DefineMethod("Unsafe", MethodAttributes.Public | MethodAttributes.Static, typeof(Tensor), [typeof(Tensor)]);
        var il = unsafeMethod.GetILGenerator();
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(OpCodes.Ldc_R8, 1.5);
        il.Emit(OpCodes.Call, typeof(Scalar).GetMethod("op_Implicit", [typeof(double)])!);
        il.Emit(OpCodes.Callvirt, typeof(Tensor).GetMethod(nameof(Tensor.mul_), [typeof(Scalar)])!);
        il.Emit(OpCodes.Ldc_R8, 2.0);
        il.Emit(OpCodes.Call, typeof(Tensor).GetMethod("op_Multiply", [typeof(Tensor), typeof(double)])!);
        il.Emit(OpCodes.Ldc_R8, 0.1);
        il.Emit(OpCodes.Ldc_I4_0);
        il.Emit(OpCodes.Call, typeof(nn.functional).GetMethod(nameof(nn.functional.leaky_relu), [typeof(Tensor), typeof(double), typeof(bool)])!);
        il.Emit(OpCodes.Ldc_R8, 3.0);
        il.Emit(OpCodes.Call, typeof(Tensor).GetMethod("op_Implicit", [typeof(double)])!);
        il.Emit(OpCodes.Call, typeof(Tensor).GetMethod("op_Addition", [typeof(Tensor), typeof(Tensor)])!);
        il.Emit(OpCodes.Ret);

        var safeMethod = type.DefineMethod("Safe", MethodAttributes.Public | MethodAttributes.Static, typeof(Tensor), [typeof(Tensor)]);
        il = safeMethod.GetILGenerator();
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(OpCodes.Ldc_R8, 1.5);
        il.Emit(OpCodes.Call, typeof(Scalars).GetMethod(nameof(Scalars.Times_))!);
        il.Emit(OpCodes.Ret);

        type.CreateType();
        var image = new MemoryStream();
        builder.Save(image);
        image.Position = 0;
        return image;
    }

    /// <summary>
    /// The compiled assembly of every project under src/ and tests/, in the configuration this test
    /// was built in. A project without a built assembly fails the test: an unscanned assembly is not clean.
    /// </summary>
    static List<string> RepositoryAssemblies()
    {
        var root = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Verify.sln"))) root = root.Parent;
        root.ShouldNotBeNull("Verify.sln not found above the test directory");
        var configuration = typeof(ImplicitScalarTest).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration;
        var projects = new[] { "src", "tests" }
            .SelectMany(dir => Directory.EnumerateFiles(Path.Combine(root.FullName, dir), "*.csproj", SearchOption.AllDirectories))
            .ToList();
        projects.Count.ShouldBeGreaterThanOrEqualTo(5, "src/Model, src/Cli, tests/Properties, tests/Experiments and tests/Support");
        var assemblies = new List<string>();
        foreach (var project in projects)
        {
            var name = XDocument.Load(project).Descendants("AssemblyName").FirstOrDefault()?.Value ?? Path.GetFileNameWithoutExtension(project);
            var output = Path.Combine(Path.GetDirectoryName(project)!, "bin", configuration, "net10.0", name + ".dll");
            File.Exists(output).ShouldBeTrue($"{project} has no built assembly at {output}: build the solution before this test");
            assemblies.Add(output);
        }
        return assemblies;
    }
}
