using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;

namespace Vmdq.Toolkit.Emulator;

// The host control plane: VMs on pools, queue sets of pools. Changes are serialized by a lock and
// published as immutable state, so the receive path and consumers never see half a change.
public sealed partial class NicEmulator
{
    private readonly Lock _control = new();
    private readonly Dictionary<string, VmConsumer> _vms = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IReadOnlyList<RuleHandle>> _vmRules = new(StringComparer.Ordinal);
    private readonly VmConsumer?[] _vmByPool;
    private BindingTable _bindings;

    /// <summary>Attaches a VM (a named consumer) to a pool. Frames already waiting in the pool's rings are its to take.</summary>
    /// <param name="name">The VM's name, unique on this NIC.</param>
    /// <param name="pool">The pool, 0..PoolCount-1, with no VM attached.</param>
    /// <returns>The consumer the VM's thread polls with.</returns>
    /// <exception cref="ArgumentOutOfRangeException">When <paramref name="pool"/> is out of range.</exception>
    /// <exception cref="InvalidOperationException">When the VM is already attached, or the pool has another VM.</exception>
    public VmConsumer AttachVm(string name, int pool)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        CheckPool(pool);
        lock (_control)
        {
            if (_vms.TryGetValue(name, out var existing))
            {
                throw new InvalidOperationException($"VM '{name}' is already attached to {Describe(existing.Pool)}; detach or move it instead.");
            }

            ThrowIfOccupied(pool, name);
            var vm = new VmConsumer(this, name, pool);
            _vms.Add(name, vm);
            _vmByPool[pool] = vm;
            return vm;
        }
    }

    /// <summary>
    /// Attaches a VM to a pool and adds its filter rules in the same step, on a NIC built from a
    /// <see cref="RuntimeDispatcher"/>'s <see cref="RuntimeDispatcher.Info"/>: the rules are checked as the rules file
    /// with them appended would be, and either both happen or neither. <see cref="DetachVm"/> removes them again.
    /// Bursts after this call classify with the new rules.
    /// </summary>
    /// <param name="name">The VM's name, unique on this NIC.</param>
    /// <param name="pool">The pool, 0..PoolCount-1, with no VM attached.</param>
    /// <param name="rules">The VM's filter rules, one per line (e.g. <c>mac 52:54:00:aa:bb:cc -&gt; web</c>).</param>
    /// <param name="options">Whether new warnings refuse the rules.</param>
    /// <returns>The consumer the VM's thread polls with.</returns>
    /// <exception cref="RuleChangeException">The rules were refused (their diagnostics are in the exception); the VM is not attached.</exception>
    /// <exception cref="InvalidOperationException">The NIC's dispatcher is generated (its rules are fixed at build time), the VM is already attached, or the pool has another VM.</exception>
    /// <exception cref="ArgumentOutOfRangeException">When <paramref name="pool"/> is out of range.</exception>
    public VmConsumer AttachVm(string name, int pool, string rules, RuleChangeOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(rules);
        CheckPool(pool);
        var engine = _info.Runtime ?? throw new InvalidOperationException(
            $"The dispatcher '{_info.Name}' is generated: its rules are fixed at build time. Build the NIC from a RuntimeDispatcher's Info to attach VMs with filter rules.");
        lock (_control)
        {
            if (_vms.TryGetValue(name, out var existing))
            {
                throw new InvalidOperationException($"VM '{name}' is already attached to {Describe(existing.Pool)}; detach or move it instead.");
            }

            ThrowIfOccupied(pool, name);
            var change = engine.Apply(rules, options);
            if (!change.Accepted)
            {
                throw new RuleChangeException($"The rules of VM '{name}' were refused; it is not attached.", change);
            }

            var vm = AttachVm(name, pool);
            _vmRules[name] = change.Added;
            return vm;
        }
    }

    /// <summary>
    /// Detaches a VM from its pool. Its consumer polls nothing from now on (a poll already running
    /// finishes); frames left in the pool's rings wait for the pool's next VM. Buffers it holds are
    /// still its to release. Filter rules added with it (<see cref="AttachVm(string, int, string, RuleChangeOptions?)"/>)
    /// are removed in the same step: bursts after this call no longer match them.
    /// </summary>
    /// <exception cref="InvalidOperationException">When no VM of that name is attached.</exception>
    public void DetachVm(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        lock (_control)
        {
            var vm = Attached(name);
            if (_vmRules.Remove(name, out var handles) && handles.Count > 0)
            {
                // Those still in force (the host may have removed some through the dispatcher itself), in one change.
                var engine = _info.Runtime!;
                var live = engine.RuntimeRules.Intersect(handles).ToArray();
                if (live.Length > 0)
                {
                    engine.Remove(live);
                }
            }

            _vms.Remove(name);
            _vmByPool[vm.Pool] = null;
            vm.SetPool(-1);
        }
    }

    /// <summary>
    /// Moves a VM to another pool while traffic flows. From its next poll on it drains the new
    /// pool's rings; frames already in the old pool's rings stay there for whoever drains them next
    /// (the old pool's next VM, or <see cref="ReceiveFromQueue"/>), so none is lost or delivered twice.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">When <paramref name="pool"/> is out of range.</exception>
    /// <exception cref="InvalidOperationException">When the VM is not attached, or the target pool has another VM.</exception>
    public void MoveVm(string name, int pool)
    {
        ArgumentNullException.ThrowIfNull(name);
        CheckPool(pool);
        lock (_control)
        {
            var vm = Attached(name);
            if (vm.Pool == pool)
            {
                return;
            }

            ThrowIfOccupied(pool, name);
            _vmByPool[vm.Pool] = null;
            _vmByPool[pool] = vm;
            vm.SetPool(pool);
        }
    }

    /// <summary>The attached VM called <paramref name="name"/>, or null.</summary>
    public VmConsumer? FindVm(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        lock (_control)
        {
            return _vms.TryGetValue(name, out var vm) ? vm : null;
        }
    }

    /// <summary>The VM attached to <paramref name="pool"/>, or null.</summary>
    /// <exception cref="ArgumentOutOfRangeException">When <paramref name="pool"/> is out of range.</exception>
    public VmConsumer? VmOnPool(int pool)
    {
        CheckPool(pool);
        lock (_control)
        {
            return _vmByPool[pool];
        }
    }

    /// <summary>
    /// Binds a pool's traffic to another set of its queues, atomically for the receive path (bursts
    /// after the change use the new set). Frames already in rings that leave the set stay
    /// deliverable. A verdict naming queue q lands on q when q is in the set, else on
    /// <c>queues[q mod queues.Length]</c>.
    /// </summary>
    /// <param name="pool">The pool.</param>
    /// <param name="queues">Distinct queues within the pool, 0..QueuesPerPool-1, at least one; the order matters for the remapping.</param>
    /// <exception cref="ArgumentOutOfRangeException">When the pool or a queue is out of range.</exception>
    /// <exception cref="ArgumentException">When the set is empty or has a queue twice.</exception>
    public void RebindQueues(int pool, ReadOnlySpan<int> queues)
    {
        CheckPool(pool);
        if (queues.IsEmpty)
        {
            throw new ArgumentException($"The queue set of {Describe(pool)} must have at least one queue.", nameof(queues));
        }

        var set = queues.ToArray();
        for (int i = 0; i < set.Length; i++)
        {
            CheckQueue(set[i], nameof(queues));
            if (Array.IndexOf(set, set[i], 0, i) >= 0)
            {
                throw new ArgumentException($"Queue {set[i]} appears twice in the new queue set of {Describe(pool)}.", nameof(queues));
            }
        }

        lock (_control)
        {
            Volatile.Write(ref _bindings, _bindings.With(pool, set));
        }
    }

    /// <summary>
    /// Resizes a pool's queue set to <paramref name="queueCount"/> consecutive queues starting at its
    /// current lowest queue (see <see cref="RebindQueues"/> for what happens to traffic).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">When the pool is out of range or the queues would not fit in the pool.</exception>
    public void ResizeQueues(int pool, int queueCount)
    {
        CheckPool(pool);
        lock (_control)
        {
            int first = int.MaxValue;
            foreach (int queue in _bindings.QueueSets[pool])
            {
                first = Math.Min(first, queue);
            }

            int most = _info.QueuesPerPool - first;
            if (queueCount < 1 || queueCount > most)
            {
                throw new ArgumentOutOfRangeException(nameof(queueCount), queueCount, $"The queue set of {Describe(pool)} starts at queue {first}, so it can have 1..{most} queues.");
            }

            Volatile.Write(ref _bindings, _bindings.With(pool, Range(first, queueCount)));
        }
    }

    /// <summary>The pool's current queue set (a copy).</summary>
    /// <exception cref="ArgumentOutOfRangeException">When <paramref name="pool"/> is out of range.</exception>
    public int[] GetQueues(int pool)
    {
        CheckPool(pool);
        return (int[])Volatile.Read(ref _bindings).QueueSets[pool].Clone();
    }

    /// <summary>The queue of <paramref name="pool"/> that a verdict naming <paramref name="verdictQueue"/> lands on under the current bindings.</summary>
    /// <exception cref="ArgumentOutOfRangeException">When the pool is out of range or the verdict queue is outside 0..15.</exception>
    public int MapQueue(int pool, int verdictQueue)
    {
        CheckPool(pool);
        if ((uint)verdictQueue >= BindingTable.VerdictQueues)
        {
            throw new ArgumentOutOfRangeException(nameof(verdictQueue), verdictQueue, $"A verdict's queue must be 0..{BindingTable.VerdictQueues - 1}.");
        }

        return Volatile.Read(ref _bindings).QueueMap[(pool * BindingTable.VerdictQueues) + verdictQueue];
    }

    private VmConsumer Attached(string name) =>
        _vms.TryGetValue(name, out var vm) ? vm : throw new InvalidOperationException($"No VM named '{name}' is attached to NIC '{Name}'.");

    private void ThrowIfOccupied(int pool, string name)
    {
        var other = _vmByPool[pool];
        if (other is not null)
        {
            throw new InvalidOperationException($"Cannot put VM '{name}' on {Describe(pool)}: VM '{other.Name}' is attached to it.");
        }
    }
}
