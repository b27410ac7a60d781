using System;
using System.Diagnostics;
using System.Linq;
using System.Reflection;
using BenchmarkDotNet.Attributes;

namespace Vmdq.Toolkit.Benchmarks;

/// <summary>
/// <c>--check</c>: runs every benchmark class's setup (which checks the baselines against the
/// generated dispatchers) and each benchmark method once, without measuring. Exit code 0 when all pass.
/// </summary>
internal static class Check
{
    public static int Run()
    {
        var types = typeof(Check).Assembly.GetTypes()
            .Where(t => t.IsPublic && !t.IsAbstract && t.GetMethods().Any(m => m.GetCustomAttribute<BenchmarkAttribute>() is not null))
            .OrderBy(t => t.Name, StringComparer.Ordinal);
        foreach (var type in types)
        {
            var param = type.GetProperties().FirstOrDefault(p => p.GetCustomAttribute<ParamsAttribute>() is not null);
            object?[] values = param?.GetCustomAttribute<ParamsAttribute>()!.Values ?? [null];
            foreach (var value in values)
            {
                var watch = Stopwatch.StartNew();
                object instance = Activator.CreateInstance(type)!;
                param?.SetValue(instance, value);
                Invoke<GlobalSetupAttribute>(instance);
                foreach (var method in type.GetMethods().Where(m => m.GetCustomAttribute<BenchmarkAttribute>() is not null))
                {
                    method.Invoke(instance, null);
                    method.Invoke(instance, null);
                }

                Invoke<GlobalCleanupAttribute>(instance);
                Console.WriteLine($"ok: {type.Name}{(param is null ? string.Empty : $" {param.Name}={value}")} ({watch.Elapsed.TotalSeconds:F1} s)");
            }
        }

        return 0;
    }

    private static void Invoke<TAttribute>(object instance)
        where TAttribute : Attribute
    {
        foreach (var method in instance.GetType().GetMethods().Where(m => m.GetCustomAttribute<TAttribute>() is not null))
        {
            method.Invoke(instance, null);
        }
    }
}
