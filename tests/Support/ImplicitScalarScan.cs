using System.Collections.Immutable;
using System.Reflection;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace Verify.TestSupport;

/// <summary>One call in compiled code that makes TorchSharp create a temporary native handle.</summary>
/// <param name="Assembly">The file name of the assembly scanned.</param>
/// <param name="Caller">The method whose IL makes the call (type and method name, as compiled).</param>
/// <param name="Callee">The TorchSharp member called, with its parameter types.</param>
/// <param name="Offset">The IL offset of the call inside <paramref name="Caller"/>.</param>
public sealed record ImplicitHandleCall(string Assembly, string Caller, string Callee, int Offset)
{
    public override string ToString() => $"{Assembly}: {Caller} calls {Callee} (IL_{Offset:x4})";
}

/// <summary>
/// Reads compiled IL with System.Reflection.Metadata and finds every call that makes TorchSharp
/// create a native handle nobody owns: the implicit conversions <c>Scalar.op_Implicit</c> and
/// <c>Tensor.op_Implicit</c>, and every TorchSharp member that performs one of those conversions
/// (or an undisposed <c>ToScalar</c>) inside its own body, directly or through other TorchSharp
/// members, such as <c>Tensor * double</c> or <c>functional.leaky_relu(Tensor, double)</c>. The
/// last set is read off TorchSharp's own IL, so a TorchSharp upgrade that fixes or adds such members
/// changes it without anyone editing a list.
/// </summary>
public sealed class ImplicitScalarScan
{
    const string ScalarType = "TorchSharp.Scalar";
    const string TensorType = "TorchSharp.torch/Tensor";
    const string ScalarExtensions = "TorchSharp.ScalarExtensionMethods";

    /// <summary>Keys (<c>Type::Name(Param, ...)</c>) of the TorchSharp members that create an unowned handle.</summary>
    public IReadOnlySet<string> HazardousMembers { get; }

    ImplicitScalarScan(IReadOnlySet<string> hazards) => HazardousMembers = hazards;

    /// <summary>Reads TorchSharp's assembly once and derives its hazardous members.</summary>
    public static ImplicitScalarScan ForTorchSharp() => new(ReadTorchSharpHazards(typeof(TorchSharp.Scalar).Assembly.Location));

    /// <summary>Every hazardous call in the assembly file at <paramref name="path"/>.</summary>
    public IReadOnlyList<ImplicitHandleCall> Scan(string path)
    {
        using var stream = File.OpenRead(path);
        return Scan(stream, Path.GetFileName(path));
    }

    /// <summary>Every hazardous call in an assembly image (a file or an image built in memory).</summary>
    public IReadOnlyList<ImplicitHandleCall> Scan(Stream image, string name)
    {
        using var pe = new PEReader(image);
        var md = pe.GetMetadataReader();
        var found = new List<ImplicitHandleCall>();
        foreach (var (method, caller) in MethodsWithBodies(md))
        {
            var body = pe.GetMethodBody(method.RelativeVirtualAddress);
            foreach (var (offset, token) in CallTokens(body.GetILReader()))
            {
                if (ExternalKey(md, token) is not { } key) continue;
                if (IsImplicitConversion(key) || HazardousMembers.Contains(key))
                    found.Add(new ImplicitHandleCall(name, caller, key, offset));
            }
        }
        return found;
    }

    static bool IsImplicitConversion(string key) =>
        key.StartsWith($"{ScalarType}::op_Implicit(", StringComparison.Ordinal) ||
        key.StartsWith($"{TensorType}::op_Implicit(", StringComparison.Ordinal);

    /// <summary>
    /// The TorchSharp members that create an unowned handle: the implicit Scalar conversions themselves,
    /// members that call <c>ToScalar</c> without ever disposing a <c>Scalar</c>, and, to a fixed
    /// point, every member that calls one of those.
    /// </summary>
    static HashSet<string> ReadTorchSharpHazards(string path)
    {
        using var stream = File.OpenRead(path);
        using var pe = new PEReader(stream);
        var md = pe.GetMetadataReader();
        var calls = new Dictionary<string, HashSet<string>>();
        var hazards = new HashSet<string>();
        foreach (var (method, _) in MethodsWithBodies(md))
        {
            var key = DefinitionKey(md, method);
            var callees = new HashSet<string>();
            foreach (var (_, token) in CallTokens(pe.GetMethodBody(method.RelativeVirtualAddress).GetILReader()))
                if (AnyKey(md, token) is { } callee) callees.Add(callee);
            calls[key] = callees;
            // A Scalar made implicitly inside TorchSharp is always a temporary passed to a native call. An
            // implicit Tensor there is not: TorchSharp makes one only as a return value (gt(null) returns
            // false), which the caller owns; in our code an implicit Tensor is flagged by IsImplicitConversion.
            if (key.StartsWith($"{ScalarType}::op_Implicit(", StringComparison.Ordinal)) hazards.Add(key);
            var makesScalar = callees.Any(c => c.StartsWith($"{ScalarExtensions}::ToScalar(", StringComparison.Ordinal));
            var disposesScalar = callees.Contains($"{ScalarType}::Dispose()");
            if (makesScalar && !disposesScalar && !key.StartsWith($"{ScalarExtensions}::", StringComparison.Ordinal))
                hazards.Add(key);
        }
        for (var grew = true; grew;)
        {
            grew = false;
            foreach (var (caller, callees) in calls)
                if (!hazards.Contains(caller) && callees.Overlaps(hazards))
                    grew = hazards.Add(caller) || grew;
        }
        return hazards;
    }

    static IEnumerable<(MethodDefinition Method, string Name)> MethodsWithBodies(MetadataReader md)
    {
        foreach (var typeHandle in md.TypeDefinitions)
        {
            var type = md.GetTypeDefinition(typeHandle);
            foreach (var methodHandle in type.GetMethods())
            {
                var method = md.GetMethodDefinition(methodHandle);
                if (method.RelativeVirtualAddress != 0)
                    yield return (method, $"{TypeName(md, typeHandle)}.{md.GetString(method.Name)}");
            }
        }
    }

    /// <summary>(IL offset, metadata token) of every call, callvirt, newobj, ldftn and ldvirtftn.</summary>
    static IEnumerable<(int Offset, int Token)> CallTokens(BlobReader il)
    {
        while (il.RemainingBytes > 0)
        {
            var offset = il.Offset;
            int code = il.ReadByte();
            if (code == 0xFE) code = 0xFE00 | il.ReadByte();
            var op = (ILOpCode)code;
            if (op is ILOpCode.Call or ILOpCode.Callvirt or ILOpCode.Newobj or ILOpCode.Ldftn or ILOpCode.Ldvirtftn)
            {
                yield return (offset, il.ReadInt32());
                continue;
            }
            SkipOperand(ref il, code);
        }
    }

    static readonly Dictionary<int, OperandType> Operands = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => (int)(ushort)o.Value, o => o.OperandType);

    static void SkipOperand(ref BlobReader il, int code)
    {
        if (!Operands.TryGetValue(code, out var kind))
            throw new BadImageFormatException($"Unknown IL opcode 0x{code:x} at offset {il.Offset - 1}.");
        switch (kind)
        {
            case OperandType.InlineNone: break;
            case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar: il.Offset += 1; break;
            case OperandType.InlineVar: il.Offset += 2; break;
            case OperandType.InlineI8 or OperandType.InlineR: il.Offset += 8; break;
            case OperandType.InlineSwitch: var targets = il.ReadInt32(); il.Offset += 4 * targets; break;
            default: il.Offset += 4; break;
        }
    }

    /// <summary>The key of a call's target when it lies in another assembly (a member reference).</summary>
    static string? ExternalKey(MetadataReader md, int token)
    {
        var handle = MetadataTokens.EntityHandle(token);
        if (handle.Kind == HandleKind.MethodSpecification)
            handle = md.GetMethodSpecification((MethodSpecificationHandle)handle).Method;
        return handle.Kind == HandleKind.MemberReference ? ReferenceKey(md, (MemberReferenceHandle)handle) : null;
    }

    /// <summary>The key of a call's target, defined in this assembly or referenced.</summary>
    static string? AnyKey(MetadataReader md, int token)
    {
        var handle = MetadataTokens.EntityHandle(token);
        if (handle.Kind == HandleKind.MethodSpecification)
            handle = md.GetMethodSpecification((MethodSpecificationHandle)handle).Method;
        return handle.Kind switch
        {
            HandleKind.MethodDefinition => DefinitionKey(md, md.GetMethodDefinition((MethodDefinitionHandle)handle)),
            HandleKind.MemberReference => ReferenceKey(md, (MemberReferenceHandle)handle),
            _ => null,
        };
    }

    static string DefinitionKey(MetadataReader md, MethodDefinition method)
    {
        var signature = method.DecodeSignature(new TypeNames(md), null);
        return $"{TypeName(md, method.GetDeclaringType())}::{md.GetString(method.Name)}({string.Join(", ", signature.ParameterTypes)})";
    }

    static string? ReferenceKey(MetadataReader md, MemberReferenceHandle handle)
    {
        var member = md.GetMemberReference(handle);
        if (member.GetKind() != MemberReferenceKind.Method) return null;
        var parent = member.Parent.Kind switch
        {
            HandleKind.TypeReference => TypeName(md, (TypeReferenceHandle)member.Parent),
            HandleKind.TypeDefinition => TypeName(md, (TypeDefinitionHandle)member.Parent),
            HandleKind.TypeSpecification => md.GetTypeSpecification((TypeSpecificationHandle)member.Parent).DecodeSignature(new TypeNames(md), null),
            _ => "?",
        };
        var signature = member.DecodeMethodSignature(new TypeNames(md), null);
        return $"{parent}::{md.GetString(member.Name)}({string.Join(", ", signature.ParameterTypes)})";
    }

    static string TypeName(MetadataReader md, TypeDefinitionHandle handle)
    {
        var type = md.GetTypeDefinition(handle);
        var name = md.GetString(type.Name);
        var outer = type.GetDeclaringType();
        return outer.IsNil ? Qualify(md.GetString(type.Namespace), name) : $"{TypeName(md, outer)}/{name}";
    }

    static string TypeName(MetadataReader md, TypeReferenceHandle handle)
    {
        var type = md.GetTypeReference(handle);
        var name = md.GetString(type.Name);
        return type.ResolutionScope.Kind == HandleKind.TypeReference
            ? $"{TypeName(md, (TypeReferenceHandle)type.ResolutionScope)}/{name}"
            : Qualify(md.GetString(type.Namespace), name);
    }

    static string Qualify(string ns, string name) => ns.Length == 0 ? name : $"{ns}.{name}";

    /// <summary>Type names as the keys spell them: namespace-qualified, nested types after '/'.</summary>
    sealed class TypeNames(MetadataReader md) : ISignatureTypeProvider<string, object?>
    {
        public string GetPrimitiveType(PrimitiveTypeCode typeCode) => typeCode switch
        {
            PrimitiveTypeCode.Boolean => "System.Boolean",
            PrimitiveTypeCode.Byte => "System.Byte",
            PrimitiveTypeCode.SByte => "System.SByte",
            PrimitiveTypeCode.Char => "System.Char",
            PrimitiveTypeCode.Int16 => "System.Int16",
            PrimitiveTypeCode.UInt16 => "System.UInt16",
            PrimitiveTypeCode.Int32 => "System.Int32",
            PrimitiveTypeCode.UInt32 => "System.UInt32",
            PrimitiveTypeCode.Int64 => "System.Int64",
            PrimitiveTypeCode.UInt64 => "System.UInt64",
            PrimitiveTypeCode.Single => "System.Single",
            PrimitiveTypeCode.Double => "System.Double",
            PrimitiveTypeCode.String => "System.String",
            PrimitiveTypeCode.Object => "System.Object",
            PrimitiveTypeCode.IntPtr => "System.IntPtr",
            PrimitiveTypeCode.UIntPtr => "System.UIntPtr",
            PrimitiveTypeCode.Void => "System.Void",
            PrimitiveTypeCode.TypedReference => "System.TypedReference",
            _ => typeCode.ToString(),
        };

        public string GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind) => TypeName(md, handle);
        public string GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind) => TypeName(md, handle);
        public string GetTypeFromSpecification(MetadataReader reader, object? context, TypeSpecificationHandle handle, byte rawTypeKind) =>
            md.GetTypeSpecification(handle).DecodeSignature(this, context);
        public string GetSZArrayType(string elementType) => elementType + "[]";
        public string GetArrayType(string elementType, ArrayShape shape) => $"{elementType}[{new string(',', shape.Rank - 1)}]";
        public string GetByReferenceType(string elementType) => elementType + "&";
        public string GetPointerType(string elementType) => elementType + "*";
        public string GetPinnedType(string elementType) => elementType;
        public string GetGenericInstantiation(string genericType, ImmutableArray<string> typeArguments) => $"{genericType}<{string.Join(", ", typeArguments)}>";
        public string GetGenericTypeParameter(object? context, int index) => $"!{index}";
        public string GetGenericMethodParameter(object? context, int index) => $"!!{index}";
        public string GetFunctionPointerType(MethodSignature<string> signature) => "fnptr";
        public string GetModifiedType(string modifier, string unmodifiedType, bool isRequired) => unmodifiedType;
    }
}
