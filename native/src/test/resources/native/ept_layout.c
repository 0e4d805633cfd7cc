/* Prints the layout gcc gives the kvm-ept-sample GET_MEMSLOTS request
 * (demo/include/kvm_ept_sample.h) as "name value" lines. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct kvm_ept_sample_get_memslots {
    struct kvm_ept_sample_memslot {
        uint64_t gpa;
        uint64_t hva;
        size_t page_count;
    } *memslots;
    size_t capacity;
    size_t count;
};

int main(void) {
    printf("memslot.size %zu\n", sizeof(struct kvm_ept_sample_memslot));
    printf("memslot.gpa %zu\n", offsetof(struct kvm_ept_sample_memslot, gpa));
    printf("memslot.hva %zu\n", offsetof(struct kvm_ept_sample_memslot, hva));
    printf("memslot.pageCount %zu\n", offsetof(struct kvm_ept_sample_memslot, page_count));
    printf("request.size %zu\n", sizeof(struct kvm_ept_sample_get_memslots));
    printf("request.memslots %zu\n", offsetof(struct kvm_ept_sample_get_memslots, memslots));
    printf("request.capacity %zu\n", offsetof(struct kvm_ept_sample_get_memslots, capacity));
    printf("request.count %zu\n", offsetof(struct kvm_ept_sample_get_memslots, count));
    return 0;
}
